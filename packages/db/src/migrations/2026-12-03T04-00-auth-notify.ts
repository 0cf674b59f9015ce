import { sql, type Kysely } from 'kysely';

// Frozen: never edit after it has landed. Every change that can end or narrow
// someone's access notifies channel `monospace_auth` at commit, so every API
// process drops its cached callers at once (LISTEN/NOTIFY; PGlite delivers in-process).

const TRIGGERS: [table: string, event: string, when: string][] = [
  ['sessions', 'update', 'old.revoked_at is distinct from new.revoked_at'],
  ['sessions', 'delete', 'true'],
  ['users', 'update', 'old.status is distinct from new.status or old.role_id is distinct from new.role_id'],
  ['users', 'delete', 'true'],
  ['roles', 'update', 'old.entitlements is distinct from new.entitlements'],
  ['roles', 'delete', 'true'],
  ['service_accounts', 'update', 'old.disabled is distinct from new.disabled or old.role_id is distinct from new.role_id'],
  ['service_accounts', 'delete', 'true'],
  ['api_keys', 'delete', 'true'],
];

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function monospace_notify_auth() returns trigger as $$
    begin
      perform pg_notify('monospace_auth', tg_table_name);
      return null;
    end
    $$ language plpgsql`.execute(db);
  for (const [table, event, when] of TRIGGERS) {
    const condition = when === 'true' ? sql`` : sql`when (${sql.raw(when)})`;
    await sql`
      create trigger ${sql.raw(`${table}_${event}_notify_auth`)}
      after ${sql.raw(event)} on ${sql.table(table)}
      for each row ${condition}
      execute function monospace_notify_auth()`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [table, event] of TRIGGERS) await sql`drop trigger if exists ${sql.raw(`${table}_${event}_notify_auth`)} on ${sql.table(table)}`.execute(db);
  await sql`drop function if exists monospace_notify_auth()`.execute(db);
}
