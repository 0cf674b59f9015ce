import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import pg from 'pg';
import { inject } from 'vitest';
import { createDatabase, type DatabaseHandle, type DatabaseKind } from '@monospace/db';
import { createPasswordHasher, type PasswordHasher } from '@monospace/router';
import { createApp, type App } from '../src/app.js';
import { loadConfig, type Config } from '../src/config.js';
import { createLogger } from '../src/logger.js';

/** Both databases; PGlite alone when no PostgreSQL was found (global-setup.ts warns). */
export const DATABASES: DatabaseKind[] = inject('postgresUrl') ? ['postgres', 'pglite'] : ['pglite'];

export const ADMIN = { email: 'owner@example.com', password: 'owner-password-1' };

/** A clock the tests move by hand: expiry without sleeping. */
export class TestClock {
  private offsetMs = 0;
  now = () => new Date(Date.now() + this.offsetMs);
  advance(seconds: number) {
    this.offsetMs += seconds * 1000;
  }
}

const databases = new Map<DatabaseKind, Promise<DatabaseHandle>>();
const cleanups: (() => Promise<void>)[] = [];

async function freshPostgres(): Promise<DatabaseHandle> {
  const adminUrl = inject('postgresUrl');
  const name = `ms_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await createDatabase({ url: url.toString(), poolSize: 20 });
  cleanups.push(async () => {
    await handle.close();
    const dropper = new pg.Client({ connectionString: adminUrl });
    await dropper.connect();
    await dropper.query(`drop database if exists ${name} with (force)`);
    await dropper.end();
  });
  return handle;
}

async function freshPglite(): Promise<DatabaseHandle> {
  const handle = await createDatabase({ dataDir: null });
  cleanups.push(() => handle.close());
  return handle;
}

/** One migrated database of each kind per test file, shared by its apps; rows are made unique by the factories. */
export function database(kind: DatabaseKind): Promise<DatabaseHandle> {
  let handle = databases.get(kind);
  if (!handle) {
    handle = (kind === 'postgres' ? freshPostgres() : freshPglite()).then(async (h) => {
      await h.migrate();
      return h;
    });
    databases.set(kind, handle);
  }
  return handle;
}

let tempDir: string | undefined;
/** Local file storage of this test file's apps: a temporary directory, removed at the end. */
function dataDir(): string {
  if (!tempDir) {
    const dir = mkdtempSync(join(tmpdir(), 'monospace-test-'));
    tempDir = dir;
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  }
  return tempDir;
}

let hasher: Promise<PasswordHasher> | undefined;
const sharedHasher = () => (hasher ??= createPasswordHasher());

export interface TestApp {
  kind: DatabaseKind;
  url: string;
  clock: TestClock;
  app: App;
  db: DatabaseHandle['db'];
  config: Readonly<Config>;
  /** Every log line the app wrote, to check that no secret is in them. */
  logs: string[];
  close(): Promise<void>;
}

export async function startApp(kind: DatabaseKind, env: Record<string, string> = {}): Promise<TestApp> {
  const handle = await database(kind);
  const config = loadConfig({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, PUBLIC_URL: 'http://localhost:8080', LOG_LEVEL: 'debug', DATA_DIR: dataDir(), ...env });
  const clock = new TestClock();
  const logs: string[] = [];
  const logger = createLogger(config.logLevel, { write: (line: string) => void logs.push(line) });
  const app = await createApp({ database: handle, config, logger, clock, passwords: await sharedHasher(), mailPollMs: 50 });
  const server: Server = createServer(app.express);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    kind,
    url: `http://127.0.0.1:${port}`,
    clock,
    app,
    db: handle.db,
    config,
    logs,
    close: async () => {
      await app.stop();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

export async function closeDatabases(): Promise<void> {
  await Promise.all(cleanups.splice(0).map((c) => c()));
  databases.clear();
}

// ---------- HTTP ----------

export interface CallOptions {
  token?: string;
  body?: unknown;
  /** A raw body, sent as is. */
  raw?: string;
  headers?: Record<string, string>;
  cookie?: string;
}

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
  cookies: string[];
}

export async function call<T = any>(app: TestApp, method: string, path: string, options: CallOptions = {}): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.cookie) headers.cookie = options.cookie;
  let body: string | undefined = options.raw;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(app.url + path, { method, headers, body, redirect: 'manual' });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed as T, headers: res.headers, cookies: res.headers.getSetCookie() };
}

// ---------- factories ----------

let seq = 0;
export const unique = (prefix: string) => `${prefix}-${process.pid}-${Date.now().toString(36)}-${(seq++).toString(36)}`;

export interface TestUser {
  id: string;
  email: string;
  password: string;
}

/** A user with a built-in role (or none), made directly in the database. */
export async function createUser(app: TestApp, role: 'owner' | 'admin' | 'member' | null = 'member', status: 'active' | 'suspended' = 'active'): Promise<TestUser> {
  const email = `${unique('user')}@example.com`;
  const password = 'correct-horse-battery';
  const roleRow = role ? await app.db.selectFrom('roles').select('id').where('name', '=', role).executeTakeFirstOrThrow() : null;
  const now = app.clock.now();
  const row = await app.db
    .insertInto('users')
    .values({ email, name: 'Test user', password_hash: await app.app.deps.passwords.hash(password), role_id: roleRow?.id ?? null, status, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, email, password };
}

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export async function login(app: TestApp, user: { email: string; password: string }): Promise<Tokens> {
  const reply = await call<Tokens>(app, 'POST', '/api/auth/login', { body: { email: user.email, password: user.password } });
  if (reply.status !== 200) throw new Error(`login failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

/** A fresh user of `role`, logged in. */
export async function signedIn(app: TestApp, role: 'owner' | 'admin' | 'member' | null = 'member') {
  const user = await createUser(app, role);
  return { user, ...(await login(app, user)) };
}

/** The cookie header a browser would send back, from Set-Cookie lines. */
export function cookieHeader(setCookies: string[]): string {
  return setCookies.map((c) => c.split(';')[0]).join('; ');
}

export type SignedIn = Awaited<ReturnType<typeof signedIn>>;

/** An app with a signed-in owner, admin and member, and the built-in roles' ids: what most suites start from. */
export async function startSuite(kind: DatabaseKind, env: Record<string, string> = {}) {
  const app = await startApp(kind, env);
  const owner = await signedIn(app, 'owner');
  const roles: Record<string, string> = Object.fromEntries(
    (await call<{ items: { name: string; id: string }[] }>(app, 'GET', '/api/system/roles', { token: owner.accessToken })).body.items.map((r) => [r.name, r.id]),
  );
  return { app, owner, admin: await signedIn(app, 'admin'), member: await signedIn(app, 'member'), roles };
}
