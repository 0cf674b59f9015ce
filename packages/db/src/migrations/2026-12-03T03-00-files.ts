import { sql, type Kysely } from 'kysely';

// Frozen: never edit after it has landed. File metadata, and the chunks of the `database` storage driver.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('files')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('mime_type', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('checksum', 'text', (c) => c.notNull())
    .addColumn('uploaded_by_type', 'text', (c) => c.check(sql`uploaded_by_type in ('user', 'serviceAccount')`))
    .addColumn('uploaded_by_id', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('files_created_at_id').on('files').columns(['created_at', 'id']).execute();

  // Written before the file's row exists (the row is the commit of an upload), hence no foreign key.
  await db.schema
    .createTable('file_chunks')
    .addColumn('file_id', 'uuid', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('data', 'bytea', (c) => c.notNull())
    .addPrimaryKeyConstraint('file_chunks_pk', ['file_id', 'seq'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('file_chunks').ifExists().execute();
  await db.schema.dropTable('files').ifExists().execute();
}
