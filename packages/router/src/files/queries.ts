import { sql, type Database, type Kysely, type Transaction } from '@monospace/db';
import { afterKeyset, type Keyset } from '../common/pagination.js';

type Db = Kysely<Database> | Transaction<Database>;

const COLUMNS = ['id', 'filename', 'title', 'mime_type', 'size', 'checksum', 'uploaded_by_type', 'uploaded_by_id', 'created_at'] as const;

/** A time-ordered id from the database's generator, taken before the bytes are stored under it. */
export async function newFileId(db: Db): Promise<string> {
  const { rows } = await sql<{ id: string }>`select uuid_generate_v7() as id`.execute(db);
  return rows[0]!.id;
}

export function findFile(db: Db, id: string) {
  return db.selectFrom('files').select(COLUMNS).where('id', '=', id).executeTakeFirst();
}

export type FileRecord = NonNullable<Awaited<ReturnType<typeof findFile>>>;

export function listFiles(db: Db, args: { after: Keyset | null; limit: number }) {
  let query = db.selectFrom('files').select(COLUMNS);
  if (args.after) query = query.where(afterKeyset(args.after, 'files'));
  return query.orderBy('created_at').orderBy('id').limit(args.limit + 1).execute();
}

export function insertFile(
  db: Db,
  v: { id: string; filename: string; title: string; mimeType: string; size: number; checksum: string; uploadedBy: { type: 'user' | 'serviceAccount'; id: string }; now: Date },
) {
  return db
    .insertInto('files')
    .values({ id: v.id, filename: v.filename, title: v.title, mime_type: v.mimeType, size: v.size, checksum: v.checksum, uploaded_by_type: v.uploadedBy.type, uploaded_by_id: v.uploadedBy.id, created_at: v.now })
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
}

export function deleteFile(db: Db, id: string) {
  return db.deleteFrom('files').where('id', '=', id).executeTakeFirst();
}
