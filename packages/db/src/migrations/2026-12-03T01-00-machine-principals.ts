import { sql, type Kysely } from 'kysely';

// Frozen: never edit after it has landed. Service accounts and API keys.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('service_accounts')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`uuid_generate_v7()`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('role_id', 'uuid', (c) => c.references('roles.id').onDelete('set null'))
    .addColumn('disabled', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('service_accounts_created_at_id').on('service_accounts').columns(['created_at', 'id']).execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`uuid_generate_v7()`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    // The public lookup part, `msk_<lookup>`: unique, so a key is found by one indexed query.
    .addColumn('prefix', 'text', (c) => c.notNull().unique())
    // SHA-256 (hex) of the secret part; the secret itself is never stored.
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('user_id', 'uuid', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('service_account_id', 'uuid', (c) => c.references('service_accounts.id').onDelete('cascade'))
    .addColumn('entitlements', 'jsonb')
    .addColumn('expires_at', 'timestamptz')
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addCheckConstraint('api_keys_one_principal', sql`(user_id is null) <> (service_account_id is null)`)
    .execute();
  await db.schema.createIndex('api_keys_created_at_id').on('api_keys').columns(['created_at', 'id']).execute();
  await db.schema.createIndex('api_keys_user_id').on('api_keys').column('user_id').execute();
  await db.schema.createIndex('api_keys_service_account_id').on('api_keys').column('service_account_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('api_keys').ifExists().execute();
  await db.schema.dropTable('service_accounts').ifExists().execute();
}
