import type { Database, Kysely, Transaction } from '@monospace/db';

type Db = Kysely<Database> | Transaction<Database>;

/** Users with their role's id and name; never the password hash. */
export function selectUsers(db: Db) {
  return db
    .selectFrom('users as u')
    .leftJoin('roles as r', 'r.id', 'u.role_id')
    .select(['u.id', 'u.email', 'u.name', 'u.status', 'u.created_at', 'u.updated_at', 'u.last_login_at', 'r.id as role_id', 'r.name as role_name']);
}

export type UserRecord = Awaited<ReturnType<ReturnType<typeof selectUsers>['executeTakeFirstOrThrow']>>;

export function findUserById(db: Db, id: string) {
  return selectUsers(db).where('u.id', '=', id).executeTakeFirst();
}
