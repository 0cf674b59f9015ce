import type { Database, Kysely, Transaction } from '@monospace/db';

type Db = Kysely<Database> | Transaction<Database>;

/** The caller behind an access token: one indexed query joining session, user and role. */
export function findSessionPrincipal(db: Db, sessionId: string, userId: string, now: Date) {
  return db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .leftJoin('roles as r', 'r.id', 'u.role_id')
    .select(['u.id', 'r.entitlements', 's.expires_at'])
    .where('s.id', '=', sessionId)
    .where('s.user_id', '=', userId)
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', now)
    .where('u.status', '=', 'active')
    .executeTakeFirst();
}

export function findUserCredentials(db: Db, email: string) {
  return db.selectFrom('users').select(['id', 'password_hash', 'status']).where('email', '=', email).executeTakeFirst();
}

/** A new session and the user's lastLoginAt, in one statement. */
export function insertSession(db: Db, row: { userId: string; jtiHash: string; now: Date; expiresAt: Date; ip: string | null; userAgent: string | null }) {
  return db
    .with('touched', (w) => w.updateTable('users').set({ last_login_at: row.now }).where('id', '=', row.userId).returning('id'))
    .insertInto('sessions')
    .values({
      user_id: row.userId,
      refresh_jti_hash: row.jtiHash,
      rotated_at: row.now,
      expires_at: row.expiresAt,
      created_at: row.now,
      ip: row.ip,
      user_agent: row.userAgent,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

/**
 * Compare-and-swap of the refresh token: only the holder of the current jti
 * rotates it, so of concurrent refreshes with one token exactly one wins.
 */
export function rotateSessionJti(db: Db, args: { sessionId: string; userId: string; oldHash: string; newHash: string; now: Date; expiresAt: Date }) {
  return db
    .updateTable('sessions')
    .set({ refresh_jti_hash: args.newHash, rotated_at: args.now, expires_at: args.expiresAt })
    .where('id', '=', args.sessionId)
    .where('user_id', '=', args.userId)
    .where('refresh_jti_hash', '=', args.oldHash)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', args.now)
    .where((eb) => eb.exists(eb.selectFrom('users').select('id').where('users.id', '=', args.userId).where('users.status', '=', 'active')))
    .returning('id')
    .executeTakeFirst();
}

export function findSession(db: Db, sessionId: string) {
  return db.selectFrom('sessions').select(['id', 'user_id', 'refresh_jti_hash', 'rotated_at', 'revoked_at']).where('id', '=', sessionId).executeTakeFirst();
}

export function revokeSession(db: Db, sessionId: string, now: Date) {
  return db.updateTable('sessions').set({ revoked_at: now }).where('id', '=', sessionId).where('revoked_at', 'is', null).execute();
}

export function findUserForPassword(db: Db, userId: string) {
  return db.selectFrom('users').select(['id', 'email', 'password_hash', 'status']).where('id', '=', userId).executeTakeFirst();
}

export function findActiveUserByEmail(db: Db, email: string) {
  return db.selectFrom('users').select(['id', 'email']).where('email', '=', email).where('status', '=', 'active').executeTakeFirst();
}

export function setPasswordHash(db: Db, userId: string, hash: string, now: Date) {
  return db.updateTable('users').set({ password_hash: hash, updated_at: now }).where('id', '=', userId).execute();
}

/** Ends the user's sessions (all, or all but one): their tokens are refused from the next request. */
export function revokeUserSessions(db: Db, userId: string, now: Date, except?: string) {
  let query = db.updateTable('sessions').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null);
  if (except) query = query.where('id', '!=', except);
  return query.execute();
}

/** Pending reset links die when the password or the email changes. */
export function deletePasswordResets(db: Db, userId: string) {
  return db.deleteFrom('password_resets').where('user_id', '=', userId).execute();
}

/** A newer request supersedes older tokens: they are deleted with it. */
export function replacePasswordReset(db: Db, row: { userId: string; tokenHash: string; expiresAt: Date; now: Date }) {
  return db
    .deleteFrom('password_resets')
    .where('user_id', '=', row.userId)
    .execute()
    .then(() => db.insertInto('password_resets').values({ user_id: row.userId, token_hash: row.tokenHash, expires_at: row.expiresAt, created_at: row.now }).execute());
}

export function findLivePasswordReset(db: Db, tokenHash: string, now: Date) {
  return db
    .selectFrom('password_resets as pr')
    .innerJoin('users as u', 'u.id', 'pr.user_id')
    .select(['pr.user_id', 'pr.expires_at', 'u.email'])
    .where('pr.token_hash', '=', tokenHash)
    .where('pr.expires_at', '>', now)
    .where('u.status', '=', 'active')
    .executeTakeFirst();
}

/** Single use: of concurrent confirms with one token, exactly one deletes it. */
export function consumePasswordReset(db: Db, tokenHash: string, now: Date) {
  return db.deleteFrom('password_resets').where('token_hash', '=', tokenHash).where('expires_at', '>', now).returning('user_id').executeTakeFirst();
}
