import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** A timestamp column: written as a Date, read as a Date. */
type Timestamp = ColumnType<Date, Date, Date>;
type NullableTimestamp = ColumnType<Date | null, Date | null | undefined, Date | null>;
/** jsonb: written as a JSON string, read as the parsed value. */
type Json<T> = ColumnType<T, string, string>;

export interface AppSecretTable {
  name: string;
  value: string;
  created_at: Timestamp;
}

export interface RoleTable {
  id: Generated<string>;
  name: string;
  description: string;
  entitlements: Json<string[]>;
  built_in: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type UserStatus = 'active' | 'suspended';

export interface UserTable {
  id: Generated<string>;
  email: string;
  name: string;
  password_hash: string | null;
  status: ColumnType<UserStatus, UserStatus | undefined, UserStatus>;
  role_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  last_login_at: NullableTimestamp;
}

export interface SessionTable {
  id: Generated<string>;
  user_id: string;
  /** SHA-256 (hex) of the current refresh token's jti; the only refresh state kept. */
  refresh_jti_hash: string;
  rotated_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: NullableTimestamp;
  created_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}

export interface ProjectTable {
  id: Generated<string>;
  name: string;
  description: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface RateLimitTable {
  key: string;
  window_start: Timestamp;
  count: number;
}

export interface ServiceAccountTable {
  id: Generated<string>;
  name: string;
  description: string;
  role_id: string | null;
  disabled: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ApiKeyTable {
  id: Generated<string>;
  name: string;
  description: string;
  prefix: string;
  secret_hash: string;
  user_id: string | null;
  service_account_id: string | null;
  entitlements: ColumnType<string[] | null, string | null, string | null>;
  expires_at: NullableTimestamp;
  last_used_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SettingsTable {
  id: ColumnType<boolean, boolean | undefined, never>;
  org_name: string;
  public_url: string | null;
  allowed_redirect_urls: Json<string[]>;
  invite_ttl_seconds: number;
  password_min_length: number;
  updated_at: Timestamp;
}

export interface ProjectMemberTable {
  project_id: string;
  user_id: string;
  created_at: Timestamp;
}

export interface InviteTable {
  id: Generated<string>;
  email: string;
  role_id: string | null;
  project_id: string | null;
  token_hash: string;
  expires_at: Timestamp;
  invited_by: string | null;
  accepted_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PasswordResetTable {
  id: Generated<string>;
  user_id: string;
  token_hash: string;
  expires_at: Timestamp;
  created_at: Timestamp;
}

export interface MailOutboxTable {
  id: Generated<string>;
  recipient: string;
  subject: string;
  body: string;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Timestamp;
  sent_at: NullableTimestamp;
  last_error: string | null;
  created_at: Timestamp;
}

export interface FileTable {
  id: string;
  filename: string;
  title: string;
  mime_type: string;
  /** bigint: pg returns it as a string. */
  size: ColumnType<string | number, number, number>;
  checksum: string;
  uploaded_by_type: 'user' | 'serviceAccount' | null;
  uploaded_by_id: string | null;
  created_at: Timestamp;
}

export interface FileChunkTable {
  file_id: string;
  seq: number;
  data: ColumnType<Uint8Array, Uint8Array, Uint8Array>;
}

export interface Database {
  app_secrets: AppSecretTable;
  roles: RoleTable;
  users: UserTable;
  sessions: SessionTable;
  projects: ProjectTable;
  rate_limits: RateLimitTable;
  service_accounts: ServiceAccountTable;
  api_keys: ApiKeyTable;
  settings: SettingsTable;
  project_members: ProjectMemberTable;
  invites: InviteTable;
  password_resets: PasswordResetTable;
  mail_outbox: MailOutboxTable;
  files: FileTable;
  file_chunks: FileChunkTable;
}

export type RoleRow = Selectable<RoleTable>;
export type UserRow = Selectable<UserTable>;
export type NewUser = Insertable<UserTable>;
export type UserUpdate = Updateable<UserTable>;
export type SessionRow = Selectable<SessionTable>;
export type ProjectRow = Selectable<ProjectTable>;
