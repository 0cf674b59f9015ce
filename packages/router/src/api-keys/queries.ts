import type { Database, Kysely, Transaction } from '@monospace/db';
import { afterKeyset, type Keyset } from '../common/pagination.js';

type Db = Kysely<Database> | Transaction<Database>;

const COLUMNS = ['k.id', 'k.name', 'k.description', 'k.prefix', 'k.user_id', 'k.service_account_id', 'k.entitlements', 'k.expires_at', 'k.last_used_at', 'k.created_at'] as const;

/** Keys with their principal (user or service account) and that principal's role. */
function keysWithPrincipal(db: Db) {
  return db
    .selectFrom('api_keys as k')
    .leftJoin('users as u', 'u.id', 'k.user_id')
    .leftJoin('service_accounts as sa', 'sa.id', 'k.service_account_id')
    .leftJoin('roles as r', (join) => join.on((eb) => eb('r.id', '=', eb.fn.coalesce('u.role_id', 'sa.role_id'))));
}

/** What a key can do at most: its principal's role grants (narrowed further by its own entitlements). */
export function findKeyGrants(db: Db, id: string) {
  return keysWithPrincipal(db)
    .select(['k.entitlements', 'r.entitlements as role_entitlements'])
    .where('k.id', '=', id)
    .executeTakeFirst();
}

/** Everything authentication needs of a key, its principal and their role: one indexed query. */
export function findKeyPrincipal(db: Db, prefix: string) {
  return keysWithPrincipal(db)
    .select([
      'k.id',
      'k.secret_hash',
      'k.entitlements',
      'k.expires_at',
      'k.last_used_at',
      'k.user_id',
      'k.service_account_id',
      'u.email',
      'u.status',
      'sa.disabled',
      'r.entitlements as role_entitlements',
    ])
    .where('k.prefix', '=', prefix)
    .executeTakeFirst();
}

export function touchLastUsed(db: Db, id: string, now: Date) {
  return db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', id).execute();
}

export function selectKeys(db: Db) {
  return db.selectFrom('api_keys as k').select(COLUMNS);
}

export type KeyRecord = Awaited<ReturnType<ReturnType<typeof selectKeys>['executeTakeFirstOrThrow']>>;

export function listKeys(db: Db, args: { after: Keyset | null; limit: number }) {
  let query = selectKeys(db);
  if (args.after) query = query.where(afterKeyset(args.after, 'k'));
  return query.orderBy('k.created_at').orderBy('k.id').limit(args.limit + 1).execute();
}

export function findKey(db: Db, id: string) {
  return selectKeys(db).where('k.id', '=', id).executeTakeFirst();
}

export function insertKey(
  db: Db,
  values: { name: string; description: string; prefix: string; secretHash: string; userId: string | null; serviceAccountId: string | null; entitlements: string[] | null; expiresAt: Date | null; now: Date },
) {
  return db
    .insertInto('api_keys')
    .values({
      name: values.name,
      description: values.description,
      prefix: values.prefix,
      secret_hash: values.secretHash,
      user_id: values.userId,
      service_account_id: values.serviceAccountId,
      entitlements: values.entitlements ? JSON.stringify(values.entitlements) : null,
      expires_at: values.expiresAt,
      created_at: values.now,
      updated_at: values.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

export function updateKey(db: Db, id: string, changes: { name?: string; description?: string; now: Date }) {
  return db.updateTable('api_keys').set({ name: changes.name, description: changes.description, updated_at: changes.now }).where('id', '=', id).executeTakeFirst();
}

export function deleteKey(db: Db, id: string) {
  return db.deleteFrom('api_keys').where('id', '=', id).executeTakeFirst();
}
