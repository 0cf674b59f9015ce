import { sql, type Database, type Kysely, type Transaction } from '@monospace/db';
import { afterKeyset, containsPattern, type Keyset } from '../common/pagination.js';

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

export function listUsers(db: Db, args: { after: Keyset | null; limit: number; search?: string; status?: 'active' | 'suspended'; roleId?: string }) {
  let query = selectUsers(db);
  if (args.after) query = query.where(afterKeyset(args.after, 'u'));
  if (args.search) {
    const pattern = containsPattern(args.search);
    query = query.where((eb) => eb.or([eb('u.email', 'ilike', pattern), eb('u.name', 'ilike', pattern)]));
  }
  if (args.status) query = query.where('u.status', '=', args.status);
  if (args.roleId) query = query.where('u.role_id', '=', args.roleId);
  return query.orderBy('u.created_at').orderBy('u.id').limit(args.limit + 1).execute();
}

/** The target of an update, with its role's grants for the no-escalation check, locked for the transaction. */
export function lockUserForUpdate(trx: Transaction<Database>, id: string) {
  return trx
    .selectFrom('users as u')
    .leftJoin('roles as r', 'r.id', 'u.role_id')
    .select(['u.id', 'u.status', 'u.role_id', 'r.name as role_name', 'r.entitlements as role_entitlements'])
    .where('u.id', '=', id)
    .forUpdate('u')
    .executeTakeFirst();
}

/**
 * Serializes every change that could leave the organization without an active
 * owner, across API processes, for the rest of the transaction.
 */
export async function lockOwnership(trx: Transaction<Database>) {
  await sql`select pg_advisory_xact_lock(7282)`.execute(trx);
}

export async function countOtherActiveOwners(trx: Transaction<Database>, exceptUserId: string): Promise<number> {
  const row = await trx
    .selectFrom('users as u')
    .innerJoin('roles as r', 'r.id', 'u.role_id')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('r.name', '=', 'owner')
    .where('r.built_in', '=', true)
    .where('u.status', '=', 'active')
    .where('u.id', '!=', exceptUserId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export function updateUser(db: Db, id: string, changes: { name?: string; email?: string; status?: 'active' | 'suspended'; roleId?: string; now: Date }) {
  return db
    .updateTable('users')
    .set({ name: changes.name, email: changes.email, status: changes.status, role_id: changes.roleId, updated_at: changes.now })
    .where('id', '=', id)
    .execute();
}
