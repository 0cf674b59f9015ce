import type { Database, Kysely, Transaction } from '@monospace/db';
import { afterKeyset, type Keyset } from '../common/pagination.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Open invitations (neither accepted nor revoked), with their role, project and inviter. */
export function selectOpenInvites(db: Db) {
  return db
    .selectFrom('invites as i')
    .leftJoin('roles as r', 'r.id', 'i.role_id')
    .leftJoin('projects as p', 'p.id', 'i.project_id')
    .leftJoin('users as by', 'by.id', 'i.invited_by')
    .select(['i.id', 'i.email', 'i.expires_at', 'i.created_at', 'r.id as role_id', 'r.name as role_name', 'p.id as project_id', 'p.name as project_name', 'by.id as by_id', 'by.email as by_email'])
    .where('i.accepted_at', 'is', null)
    .where('i.revoked_at', 'is', null);
}

export type InviteRecord = Awaited<ReturnType<ReturnType<typeof selectOpenInvites>['executeTakeFirstOrThrow']>>;

export function listOpenInvites(db: Db, args: { after: Keyset | null; limit: number }) {
  let query = selectOpenInvites(db);
  if (args.after) query = query.where(afterKeyset(args.after, 'i'));
  return query.orderBy('i.created_at').orderBy('i.id').limit(args.limit + 1).execute();
}

export function findOpenInvite(db: Db, id: string) {
  return selectOpenInvites(db).where('i.id', '=', id).executeTakeFirst();
}

export function findExistingUserEmails(db: Db, emails: string[]) {
  return db.selectFrom('users').select('email').where('email', 'in', emails).execute();
}

/** A pending invite for the same email and target is replaced: it is revoked, and its token dies. */
export function revokeOpenInvitesFor(db: Db, email: string, projectId: string | null, now: Date) {
  return db
    .updateTable('invites')
    .set({ revoked_at: now, updated_at: now })
    .where('email', '=', email)
    .where((eb) => (projectId === null ? eb('project_id', 'is', null) : eb('project_id', '=', projectId)))
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .execute();
}

export function insertInvite(db: Db, v: { email: string; roleId: string | null; projectId: string | null; tokenHash: string; expiresAt: Date; invitedBy: string | null; now: Date }) {
  return db
    .insertInto('invites')
    .values({ email: v.email, role_id: v.roleId, project_id: v.projectId, token_hash: v.tokenHash, expires_at: v.expiresAt, invited_by: v.invitedBy, created_at: v.now, updated_at: v.now })
    .returning('id')
    .executeTakeFirstOrThrow();
}

export function setInviteExpiry(db: Db, id: string, expiresAt: Date, now: Date) {
  return db.updateTable('invites').set({ expires_at: expiresAt, updated_at: now }).where('id', '=', id).where('accepted_at', 'is', null).where('revoked_at', 'is', null).executeTakeFirst();
}

export function revokeInvite(db: Db, id: string, now: Date) {
  return db.updateTable('invites').set({ revoked_at: now, updated_at: now }).where('id', '=', id).where('accepted_at', 'is', null).where('revoked_at', 'is', null).executeTakeFirst();
}

export function findLiveInviteByToken(db: Db, tokenHash: string, now: Date) {
  return db
    .selectFrom('invites')
    .select(['id', 'email', 'role_id', 'project_id'])
    .where('token_hash', '=', tokenHash)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/** Single use: of concurrent accepts, exactly one marks the invite accepted. */
export function markAccepted(db: Db, tokenHash: string, now: Date) {
  return db
    .updateTable('invites')
    .set({ accepted_at: now, updated_at: now })
    .where('token_hash', '=', tokenHash)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .returning(['id', 'email', 'role_id', 'project_id'])
    .executeTakeFirst();
}

export function findUserIdByEmail(db: Db, email: string) {
  return db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
}

export function roleIdByName(db: Db, name: string) {
  return db.selectFrom('roles').select('id').where('name', '=', name).executeTakeFirstOrThrow();
}

export function insertMember(db: Db, projectId: string, userId: string, now: Date) {
  return db.insertInto('project_members').values({ project_id: projectId, user_id: userId, created_at: now }).onConflict((oc) => oc.doNothing()).execute();
}

export function insertInvitedUser(db: Db, v: { email: string; name: string; passwordHash: string; roleId: string; now: Date }) {
  return db
    .insertInto('users')
    .values({ email: v.email, name: v.name, password_hash: v.passwordHash, role_id: v.roleId, created_at: v.now, updated_at: v.now })
    .returning('id')
    .executeTakeFirstOrThrow();
}
