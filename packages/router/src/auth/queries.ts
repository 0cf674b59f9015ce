import type { Database, Kysely, Transaction } from '@monospace/db';

type Db = Kysely<Database> | Transaction<Database>;

/** The caller behind an access token: one indexed query joining session, user and role. */
export function findSessionPrincipal(db: Db, sessionId: string, userId: string, now: Date) {
  return db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .leftJoin('roles as r', 'r.id', 'u.role_id')
    .select(['u.id', 'r.entitlements'])
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

export function insertSession(db: Db, row: { userId: string; jtiHash: string; now: Date; expiresAt: Date; ip: string | null; userAgent: string | null }) {
  return db
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

export function touchLastLogin(db: Db, userId: string, now: Date) {
  return db.updateTable('users').set({ last_login_at: now }).where('id', '=', userId).execute();
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
