import { randomUUID } from 'node:crypto';
import type { Context } from '../context.js';
import { unauthorized } from '../errors.js';
import { consume, forgive, type Limit, type Window } from '../rate-limits/service.js';
import { sha256Hex } from './tokens.js';
import { findSession, findUserCredentials, insertSession, revokeSession, rotateSessionJti } from './queries.js';

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

const INVALID_LOGIN = 'Invalid email or password';

function loginLimits(ctx: Context, email: string): Limit[] {
  const max = ctx.deps.config.loginMaxFailures;
  return [
    { key: `login:email:${email}`, max },
    { key: `login:ip:${ctx.req.ip}`, max: max * 20 },
  ];
}

function loginWindow(ctx: Context): Window {
  return { db: ctx.deps.db, now: ctx.deps.clock.now(), seconds: ctx.deps.config.loginWindow };
}

async function issueTokens(ctx: Context, userId: string, sessionId: string, jti: string): Promise<IssuedTokens> {
  const { tokens } = ctx.deps;
  const [accessToken, refreshToken] = await Promise.all([
    tokens.signAccess({ sub: userId, sid: sessionId }),
    tokens.signRefresh({ sub: userId, sid: sessionId, jti }),
  ]);
  return { accessToken, refreshToken, expiresIn: tokens.accessTtl };
}

/**
 * Email and password for a new session. Unknown emails verify against a dummy
 * hash, so both failures cost the same; failures count per email and per address.
 */
export async function login(ctx: Context, email: string, password: string): Promise<IssuedTokens> {
  const { db, clock, passwords, tokens } = ctx.deps;
  // Every attempt counts before the password is checked, atomically, so parallel
  // attempts cannot slip past the limit; a successful one is given back below.
  const limits = loginLimits(ctx, email);
  await consume(loginWindow(ctx), limits);

  const user = await findUserCredentials(db, email);
  const valid = await passwords.verify(user?.password_hash, password);
  if (!user || !valid) throw unauthorized(INVALID_LOGIN);
  if (user.status !== 'active') throw unauthorized(INVALID_LOGIN);

  const now = clock.now();
  const jti = randomUUID();
  const session = await insertSession(db, {
    userId: user.id,
    jtiHash: sha256Hex(jti),
    now,
    expiresAt: new Date(now.getTime() + tokens.refreshTtl * 1000),
    ip: ctx.req.ip,
    userAgent: ctx.req.userAgent?.slice(0, 512) ?? null,
  });
  await forgive(db, limits);
  return issueTokens(ctx, user.id, session.id, jti);
}

/**
 * Rotates the session's refresh token. A token that was already rotated is
 * refused; past the grace period that reuse means theft, and the session ends.
 */
export async function refresh(ctx: Context, refreshToken: string): Promise<IssuedTokens> {
  const { db, clock, tokens, config } = ctx.deps;
  const claims = await tokens.verifyRefresh(refreshToken);
  if (!claims) throw unauthorized('Invalid or expired refresh token');
  const now = clock.now();
  const jti = randomUUID();
  const rotated = await rotateSessionJti(db, {
    sessionId: claims.sid,
    userId: claims.sub,
    oldHash: sha256Hex(claims.jti),
    newHash: sha256Hex(jti),
    now,
    expiresAt: new Date(now.getTime() + tokens.refreshTtl * 1000),
  });
  if (!rotated) {
    const session = await findSession(db, claims.sid);
    if (session && !session.revoked_at && session.refresh_jti_hash !== sha256Hex(claims.jti)) {
      const sinceRotation = (now.getTime() - session.rotated_at.getTime()) / 1000;
      if (sinceRotation > config.refreshReuseGrace) {
        await revokeSession(db, session.id, now);
        ctx.deps.principals.clear(); // refresh keeps this process's callers otherwise (keepsCallers)
        ctx.deps.logger.warn({ sessionId: session.id }, 'refresh token reused after rotation: session revoked');
      }
    }
    throw unauthorized('Invalid or expired refresh token');
  }
  return issueTokens(ctx, claims.sub, claims.sid, jti);
}

/** Ends the session the token belongs to; a missing or bad token is not an error. */
export async function logout(ctx: Context, token: { refresh?: string; access?: string }): Promise<void> {
  const { tokens, db, clock } = ctx.deps;
  const claims = token.refresh ? await tokens.verifyRefresh(token.refresh) : token.access ? await tokens.verifyAccess(token.access) : null;
  if (claims) await revokeSession(db, claims.sid, clock.now());
}
