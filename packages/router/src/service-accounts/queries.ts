import type { Database, Kysely, Transaction } from '@monospace/db';
import { afterKeyset, type Keyset } from '../common/pagination.js';

type Db = Kysely<Database> | Transaction<Database>;

export function selectServiceAccounts(db: Db) {
  return db
    .selectFrom('service_accounts as sa')
    .leftJoin('roles as r', 'r.id', 'sa.role_id')
    .select(['sa.id', 'sa.name', 'sa.description', 'sa.disabled', 'sa.created_at', 'sa.updated_at', 'r.id as role_id', 'r.name as role_name', 'r.entitlements as role_entitlements']);
}

export type ServiceAccountRecord = Awaited<ReturnType<ReturnType<typeof selectServiceAccounts>['executeTakeFirstOrThrow']>>;

export function findServiceAccount(db: Db, id: string) {
  return selectServiceAccounts(db).where('sa.id', '=', id).executeTakeFirst();
}

export function listServiceAccounts(db: Db, args: { after: Keyset | null; limit: number }) {
  let query = selectServiceAccounts(db);
  if (args.after) query = query.where(afterKeyset(args.after, 'sa'));
  return query.orderBy('sa.created_at').orderBy('sa.id').limit(args.limit + 1).execute();
}

export function insertServiceAccount(db: Db, values: { name: string; description: string; roleId: string | null; now: Date }) {
  return db
    .insertInto('service_accounts')
    .values({ name: values.name, description: values.description, role_id: values.roleId, created_at: values.now, updated_at: values.now })
    .returning('id')
    .executeTakeFirstOrThrow();
}

export function updateServiceAccount(db: Db, id: string, changes: { name?: string; description?: string; roleId?: string | null; disabled?: boolean; now: Date }) {
  return db
    .updateTable('service_accounts')
    .set({ name: changes.name, description: changes.description, role_id: changes.roleId, disabled: changes.disabled, updated_at: changes.now })
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Its API keys go with it (ON DELETE CASCADE). */
export function deleteServiceAccount(db: Db, id: string) {
  return db.deleteFrom('service_accounts').where('id', '=', id).executeTakeFirst();
}
