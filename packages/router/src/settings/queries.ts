import type { Database, Kysely, Transaction } from '@monospace/db';

type Db = Kysely<Database> | Transaction<Database>;

const COLUMNS = ['org_name', 'public_url', 'allowed_redirect_urls', 'invite_ttl_seconds', 'password_min_length', 'updated_at'] as const;

export function readSettings(db: Db) {
  return db.selectFrom('settings').select(COLUMNS).executeTakeFirstOrThrow();
}

export type SettingsRow = Awaited<ReturnType<typeof readSettings>>;

export function updateSettings(
  db: Db,
  changes: { orgName?: string; publicUrl?: string | null; allowedRedirectUrls?: string[]; inviteTtlSeconds?: number; passwordMinLength?: number; now: Date },
) {
  return db
    .updateTable('settings')
    .set({
      org_name: changes.orgName,
      public_url: changes.publicUrl,
      allowed_redirect_urls: changes.allowedRedirectUrls ? JSON.stringify(changes.allowedRedirectUrls) : undefined,
      invite_ttl_seconds: changes.inviteTtlSeconds,
      password_min_length: changes.passwordMinLength,
      updated_at: changes.now,
    })
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
}
