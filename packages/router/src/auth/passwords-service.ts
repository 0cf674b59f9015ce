import type { Context } from '../context.js';
import { forbidden, invalidInput, unauthorized } from '../errors.js';
import type { AuthedContext } from './principal.js';
import { consume, forgive, type Limit } from '../rate-limits/service.js';
import { enqueueMail } from '../mail/queries.js';
import { linkBase, linkWithToken } from '../settings/service.js';
import { assertPasswordPolicy } from './password-policy.js';
import { randomToken, sha256Hex } from './tokens.js';
import * as q from './queries.js';

/** Changes the caller's password; every other session of theirs ends, this one stays. */
export async function changePassword(ctx: AuthedContext, currentPassword: string, newPassword: string): Promise<void> {
  const { principal } = ctx;
  if (principal.type !== 'user' || !principal.sessionId) throw unauthorized('Sign in as the user to change a password; API keys cannot');
  const { db, passwords, clock, config } = ctx.deps;
  // Guessing the current password with a stolen token is limited like logins.
  const limits = [{ key: `password-change:user:${principal.id}`, max: config.loginMaxFailures }];
  await consume({ db, now: clock.now(), seconds: config.loginWindow }, limits);
  const user = await q.findUserForPassword(db, principal.id);
  if (!user || !(await passwords.verify(user.password_hash, currentPassword))) throw forbidden('The current password is wrong');
  await forgive(db, limits);
  await assertPasswordPolicy(db, newPassword, user.email, 'newPassword');
  const hash = await passwords.hash(newPassword);
  const now = clock.now();
  await db.transaction().execute(async (trx) => {
    await q.setPasswordHash(trx, user.id, hash, now);
    await q.revokeUserSessions(trx, user.id, now, principal.sessionId!);
    await q.deletePasswordResets(trx, user.id);
  });
}

function resetLimits(ctx: Context, email: string): Limit[] {
  return [
    { key: `reset:email:${email}`, max: 5 },
    { key: `reset:ip:${ctx.req.ip}`, max: 100 },
  ];
}

/**
 * Queues a reset link when the account exists. Known and unknown emails take
 * the same path up to that point and get the same answer, and count alike against the limits.
 */
export async function requestPasswordReset(ctx: Context, email: string, resetUrl: string | undefined): Promise<void> {
  const { db, clock, config } = ctx.deps;
  const base = await linkBase(ctx, resetUrl, 'resetUrl', 'reset-password');
  await consume({ db, now: clock.now(), seconds: config.loginWindow }, resetLimits(ctx, email));
  // Known and unknown emails answer no sooner than this, so the work done for a
  // known one (a token and a mail in a transaction) does not show in the timing.
  const answerAt = performance.now() + RESET_ANSWER_FLOOR_MS;
  try {
    await issueReset(ctx, email, base);
  } finally {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, answerAt - performance.now())));
  }
}

const RESET_ANSWER_FLOOR_MS = 150;

async function issueReset(ctx: Context, email: string, base: URL): Promise<void> {
  const { db, clock, config } = ctx.deps;
  const user = await q.findActiveUserByEmail(db, email);
  if (!user) return;
  const token = randomToken();
  const now = clock.now();
  const expiresAt = new Date(now.getTime() + config.passwordResetTtl * 1000);
  await db.transaction().execute(async (trx) => {
    await q.replacePasswordReset(trx, { userId: user.id, tokenHash: sha256Hex(token), expiresAt, now });
    await enqueueMail(
      trx,
      {
        to: user.email,
        subject: 'Reset your password',
        body: `Someone asked to reset the password of ${user.email}.\n\nTo choose a new password, open:\n${linkWithToken(base, token)}\n\nThe link works once, until ${expiresAt.toISOString()}. If it was not you, ignore this mail.`,
      },
      now,
    );
  });
  ctx.deps.mail.wake();
}

const INVALID_TOKEN = [{ path: ['token'], message: 'Unknown, used, superseded or expired token' }];

export async function verifyPasswordReset(ctx: Context, token: string): Promise<{ valid: true; expiresAt: string }> {
  const row = await q.findLivePasswordReset(ctx.deps.db, sha256Hex(token), ctx.deps.clock.now());
  if (!row) throw invalidInput(INVALID_TOKEN);
  return { valid: true, expiresAt: row.expires_at.toISOString() };
}

/** Sets the new password once per token, and ends every session of the user. */
export async function confirmPasswordReset(ctx: Context, token: string, password: string): Promise<void> {
  const { db, clock, passwords } = ctx.deps;
  const tokenHash = sha256Hex(token);
  const live = await q.findLivePasswordReset(db, tokenHash, clock.now());
  if (!live) throw invalidInput(INVALID_TOKEN);
  await assertPasswordPolicy(db, password, live.email, 'password');
  const hash = await passwords.hash(password);
  const now = clock.now();
  await db.transaction().execute(async (trx) => {
    const used = await q.consumePasswordReset(trx, tokenHash, now);
    if (!used) throw invalidInput(INVALID_TOKEN);
    await q.setPasswordHash(trx, used.user_id, hash, now);
    await q.revokeUserSessions(trx, used.user_id, now);
  });
}
