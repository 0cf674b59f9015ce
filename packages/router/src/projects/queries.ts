import type { Database, Kysely, Transaction } from '@monospace/db';
import { afterKeyset, containsPattern, type Keyset } from '../common/pagination.js';

type Db = Kysely<Database> | Transaction<Database>;

const COLUMNS = ['id', 'name', 'description', 'created_at', 'updated_at'] as const;

export function findProjectByName(db: Db, name: string) {
  return db.selectFrom('projects').select(COLUMNS).where('name', '=', name).executeTakeFirst();
}

export function findProjectIdByName(db: Db, name: string) {
  return db.selectFrom('projects').select('id').where('name', '=', name).executeTakeFirst();
}

export function listProjects(db: Db, args: { after: Keyset | null; limit: number; search?: string }) {
  let query = db.selectFrom('projects').select(COLUMNS);
  if (args.after) query = query.where(afterKeyset(args.after, 'projects'));
  if (args.search) {
    const pattern = containsPattern(args.search);
    query = query.where((eb) => eb.or([eb('name', 'ilike', pattern), eb('description', 'ilike', pattern)]));
  }
  return query.orderBy('created_at').orderBy('id').limit(args.limit + 1).execute();
}

export function insertProject(db: Db, values: { name: string; description: string; now: Date }) {
  return db
    .insertInto('projects')
    .values({ name: values.name, description: values.description, created_at: values.now, updated_at: values.now })
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
}

export function updateProject(db: Db, id: string, changes: { name?: string; description?: string; now: Date }) {
  return db
    .updateTable('projects')
    .set({ name: changes.name, description: changes.description, updated_at: changes.now })
    .where('id', '=', id)
    .returning(COLUMNS)
    .executeTakeFirst();
}

export function deleteProject(db: Db, id: string) {
  return db.deleteFrom('projects').where('id', '=', id).executeTakeFirst();
}
