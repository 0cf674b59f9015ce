import { sql, type Database, type Kysely, type Transaction } from '@monospace/db';

export async function getOrCreateSecret(db: Kysely<Database>, name: string, generate: () => string, now: Date): Promise<string> {
  await db.insertInto('app_secrets').values({ name, value: generate(), created_at: now }).onConflict((oc) => oc.column('name').doNothing()).execute();
  const row = await db.selectFrom('app_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow();
  return row.value;
}

/** Serializes first-start work across API processes sharing one database. */
export async function lockBootstrap(trx: Transaction<Database>): Promise<void> {
  await sql`select pg_advisory_xact_lock(7281)`.execute(trx);
}

export async function hasUsers(trx: Transaction<Database>): Promise<boolean> {
  const row = await trx.selectFrom('users').select('id').limit(1).executeTakeFirst();
  return row !== undefined;
}

export async function findRoleIdByName(trx: Transaction<Database>, name: string): Promise<string> {
  const row = await trx.selectFrom('roles').select('id').where('name', '=', name).executeTakeFirstOrThrow();
  return row.id;
}

export async function insertUser(trx: Transaction<Database>, user: { email: string; name: string; passwordHash: string; roleId: string; now: Date }) {
  await trx
    .insertInto('users')
    .values({ email: user.email, name: user.name, password_hash: user.passwordHash, role_id: user.roleId, created_at: user.now, updated_at: user.now })
    .execute();
}
