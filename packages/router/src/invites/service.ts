import type { Context } from '../context.js';
import { conflict, invalidInput, notFound } from '../errors.js';
import type { AuthedContext } from '../auth/principal.js';
import { assertPasswordPolicy } from '../auth/password-policy.js';
import { randomToken, sha256Hex } from '../auth/tokens.js';
import { decodeCursor, DEFAULT_LIMIT, toPage } from '../common/pagination.js';
import { isUniqueViolation } from '../common/db-errors.js';
import { enqueueMail } from '../mail/queries.js';
import { findProjectByName } from '../projects/queries.js';
import { assertCanAssignRole } from '../roles/service.js';
import { readSettings } from '../settings/queries.js';
import { linkBase, linkWithToken } from '../settings/service.js';
import { consume, forgive } from '../rate-limits/service.js';
import { getUser } from '../users/service.js';
import * as q from './queries.js';
import type { Invite } from './schemas.js';

function toInvite(row: q.InviteRecord, now: Date): Invite {
  return {
    id: row.id,
    email: row.email,
    role: row.role_id && row.role_name ? { id: row.role_id, name: row.role_name } : null,
    project: row.project_id && row.project_name ? { id: row.project_id, name: row.project_name } : null,
    status: row.expires_at > now ? 'pending' : 'expired',
    expiresAt: row.expires_at.toISOString(),
    createdAt: row.created_at.toISOString(),
    invitedBy: row.by_id && row.by_email ? { id: row.by_id, email: row.by_email } : null,
  };
}

export async function list(ctx: Context, input: { limit?: number; cursor?: string }) {
  const limit = input.limit ?? DEFAULT_LIMIT;
  const now = ctx.deps.clock.now();
  return toPage(await q.listOpenInvites(ctx.deps.db, { after: decodeCursor(input.cursor), limit }), limit, (r) => toInvite(r, now));
}

async function ttlOrDefault(ctx: Context, ttlSeconds: number | undefined): Promise<number> {
  return ttlSeconds ?? (await readSettings(ctx.deps.db)).invite_ttl_seconds;
}

/** One invitation (and one mail) per distinct email, replacing any open one for the same email and target. */
export async function create(
  ctx: AuthedContext,
  input: { emails: string[]; roleId?: string; project?: string; inviteUrl?: string; ttlSeconds?: number },
): Promise<{ items: Invite[] }> {
  const { db, clock } = ctx.deps;
  if (input.roleId) await assertCanAssignRole(ctx, input.roleId, 'roleId');
  const project = input.project === undefined ? null : await findProjectByName(db, input.project);
  if (input.project !== undefined && !project) throw invalidInput([{ path: ['project'], message: 'No such project' }]);
  const base = await linkBase(ctx, input.inviteUrl, 'inviteUrl', 'accept-invite');
  const ttl = await ttlOrDefault(ctx, input.ttlSeconds);
  const emails = [...new Set(input.emails)];
  if (!project) {
    const taken = await q.findExistingUserEmails(db, emails);
    if (taken.length > 0) throw conflict(`Already users of the organization: ${taken.map((t) => t.email).join(', ')}`);
  }
  const { org_name: orgName } = await readSettings(db);
  const now = clock.now();
  const expiresAt = new Date(now.getTime() + ttl * 1000);
  const invitedBy = ctx.principal.type === 'user' ? ctx.principal.id : null;
  const ids = await db.transaction().execute(async (trx) => {
    const created: string[] = [];
    for (const email of emails) {
      const token = randomToken();
      await q.revokeOpenInvitesFor(trx, email, project?.id ?? null, now);
      const { id } = await q.insertInvite(trx, { email, roleId: input.roleId ?? null, projectId: project?.id ?? null, tokenHash: sha256Hex(token), expiresAt, invitedBy, now });
      const target = project ? `the project ${project.name} of ${orgName}` : orgName;
      await enqueueMail(
        trx,
        { to: email, subject: `You are invited to ${target}`, body: `You are invited to join ${target}.\n\nTo accept, open:\n${linkWithToken(base, token)}\n\nThe invitation is valid until ${expiresAt.toISOString()}.` },
        now,
      );
      created.push(id);
    }
    return created;
  });
  ctx.deps.mail.wake();
  const items = await Promise.all(ids.map((id) => q.findOpenInvite(db, id)));
  return { items: items.map((row) => toInvite(row!, now)) };
}

/** Renewing or revoking an invitation that gives a role needs the right to give that role. */
async function assertCanManage(ctx: AuthedContext, id: string): Promise<void> {
  const invite = await q.findOpenInvite(ctx.deps.db, id);
  if (!invite) throw notFound('Invitation');
  if (invite.role_id) await assertCanAssignRole(ctx, invite.role_id, 'invitation_id');
}

export async function renew(ctx: AuthedContext, id: string, ttlSeconds: number | undefined): Promise<Invite> {
  await assertCanManage(ctx, id);
  const now = ctx.deps.clock.now();
  const ttl = await ttlOrDefault(ctx, ttlSeconds);
  const result = await q.setInviteExpiry(ctx.deps.db, id, new Date(now.getTime() + ttl * 1000), now);
  if (result.numUpdatedRows === 0n) throw notFound('Invitation');
  return toInvite((await q.findOpenInvite(ctx.deps.db, id))!, now);
}

export async function revoke(ctx: AuthedContext, id: string): Promise<void> {
  await assertCanManage(ctx, id);
  const result = await q.revokeInvite(ctx.deps.db, id, ctx.deps.clock.now());
  if (result.numUpdatedRows === 0n) throw notFound('Invitation');
}

const INVALID_TOKEN = [{ path: ['token'], message: 'Unknown, used, revoked or expired invitation' }];

/**
 * Accepts once: a new email becomes an active user with the invite's role
 * (else member); an existing user of a project invite becomes a member of it.
 * Each attempt counts against the client address (20 per window); a success is given back.
 */
export async function accept(ctx: Context, input: { token: string; password?: string; name?: string }) {
  const { db, clock, config, passwords } = ctx.deps;
  const limits = [{ key: `invite-accept:ip:${ctx.req.ip}`, max: 20 }];
  await consume({ db, now: clock.now(), seconds: config.loginWindow }, limits);
  const tokenHash = sha256Hex(input.token);
  const invite = await q.findLiveInviteByToken(db, tokenHash, clock.now());
  if (!invite) throw invalidInput(INVALID_TOKEN);
  const existing = await q.findUserIdByEmail(db, invite.email);
  let passwordHash: string | undefined;
  if (!existing) {
    if (input.password === undefined) throw invalidInput([{ path: ['password'], message: 'Required to create the account' }]);
    await assertPasswordPolicy(db, input.password, invite.email, 'password');
    passwordHash = await passwords.hash(input.password);
  }
  const now = clock.now();
  let userId: string;
  try {
    userId = await db.transaction().execute(async (trx) => {
      const won = await q.markAccepted(trx, tokenHash, now);
      if (!won) throw invalidInput(INVALID_TOKEN);
      // Checked once the invitation is ours, so a concurrent loser sees 400, not this.
      if (existing && !won.project_id) throw conflict('This email already belongs to a user of the organization');
      const id = existing
        ? existing.id
        : (await q.insertInvitedUser(trx, { email: won.email, name: input.name ?? '', passwordHash: passwordHash!, roleId: won.role_id ?? (await q.roleIdByName(trx, 'member')).id, now })).id;
      if (won.project_id) await q.insertMember(trx, won.project_id, id, now);
      return id;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict('This email already belongs to a user');
    throw error;
  }
  await forgive(db, limits);
  return { user: await getUser(ctx, userId) };
}
