import type { Database, Kysely } from '@monospace/db';
import { afterKeyset, type Keyset } from '../common/pagination.js';

export function listRoles(db: Kysely<Database>, args: { after: Keyset | null; limit: number }) {
  let query = db.selectFrom('roles').select(['id', 'name', 'description', 'entitlements', 'built_in', 'created_at']);
  if (args.after) query = query.where(afterKeyset(args.after, 'roles'));
  return query.orderBy('created_at').orderBy('id').limit(args.limit + 1).execute();
}

export function findRoleById(db: Kysely<Database>, id: string) {
  return db.selectFrom('roles').select(['id', 'name', 'entitlements']).where('id', '=', id).executeTakeFirst();
}
