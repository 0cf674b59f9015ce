import { join } from 'node:path';
import { Kysely, Migrator, PostgresDialect, sql, type MigrationResultSet } from 'kysely';
import pg from 'pg';
import type { Database } from './types.js';
import { migrations } from './migrations/index.js';
import { lockDataDir } from './data-dir-lock.js';
import { copyChunkStore, pgliteChunkStore, type ChunkStore } from './file-chunks.js';

export type DatabaseKind = 'postgres' | 'pglite';

export interface DatabaseOptions {
  /** PostgreSQL connection string; when absent the embedded PGlite is used. */
  url?: string;
  /** Where PGlite keeps its files; `null` keeps it in memory (tests). */
  dataDir?: string | null;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
  /** Called for every query sent (the benchmark counts queries per request with it). */
  onQuery?: () => void;
}

export interface ListenCallbacks {
  ready(): void;
  message(): void;
  lost(): void;
}

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: DatabaseKind;
  /** Applies every pending migration. */
  migrate(): Promise<void>;
  /**
   * Follows NOTIFY on `channel` (a dedicated connection on PostgreSQL, in-process
   * on PGlite): `ready` when listening (again), `message` for each notification,
   * `lost` when notifications may have been missed. Resolves to the function that stops it.
   */
  listen(channel: string, on: ListenCallbacks): Promise<() => Promise<void>>;
  /** The `database` storage driver's chunks, moved without text encoding where the protocol allows. */
  chunks: ChunkStore;
  /** True when the database answers and no migration is pending. */
  isReady(): Promise<boolean>;
  close(): Promise<void>;
}

function createMigrator(db: Kysely<Database>): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

function throwOnFailure({ error, results }: MigrationResultSet): void {
  if (!error) return;
  const failed = results?.find((r) => r.status === 'Error');
  const reason = error instanceof Error ? error.message : String(error);
  throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${reason}`);
}

function queryLog(options: DatabaseOptions) {
  const { onQuery } = options;
  return onQuery ? (event: { level: string }) => void (event.level === 'query' && onQuery()) : undefined;
}

export async function createDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  let db: Kysely<Database>;
  let kind: DatabaseKind;
  let release = () => {};
  let listen: DatabaseHandle['listen'];
  let chunks: ChunkStore;
  if (options.url) {
    const url = options.url;
    listen = async (channel, on) => {
      let client: pg.Client | undefined;
      let stopped = false;
      const connect = async (): Promise<void> => {
        const c = new pg.Client({ connectionString: url });
        c.on('notification', (n) => n.channel === channel && on.message());
        c.on('error', () => {
          on.lost();
          c.end().catch(() => {});
          if (!stopped) setTimeout(() => void connect().catch(() => on.lost()), 1000).unref();
        });
        await c.connect();
        await c.query(`listen ${channel}`);
        client = c;
        on.ready();
      };
      await connect();
      return async () => {
        stopped = true;
        await client?.end().catch(() => {});
      };
    };
    kind = 'postgres';
    // timestamptz and friends come back as Date (pg's default); int8 stays a string.
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
    pool.on('error', () => {}); // an idle client's failure is surfaced on its next query
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: queryLog(options) });
    chunks = copyChunkStore(pool);
  } else {
    kind = 'pglite';
    const { PGlite } = await import('@electric-sql/pglite');
    const { PGliteDialect } = await import('kysely-pglite-dialect');
    let pglite;
    if (options.dataDir) {
      release = lockDataDir(options.dataDir);
      try {
        pglite = await PGlite.create(join(options.dataDir, 'pglite'));
      } catch (error) {
        release();
        throw error;
      }
    } else {
      pglite = await PGlite.create();
    }
    db = new Kysely<Database>({ dialect: new PGliteDialect(pglite), log: queryLog(options) });
    chunks = pgliteChunkStore(pglite);
    const instance = pglite;
    listen = async (channel, on) => {
      const unsubscribe = await instance.listen(channel, () => on.message());
      on.ready();
      return unsubscribe;
    };
  }
  const migrator = createMigrator(db);
  return {
    db,
    kind,
    listen,
    chunks,
    async migrate() {
      throwOnFailure(await migrator.migrateToLatest());
    },
    async isReady() {
      try {
        await sql`select 1`.execute(db);
        const all = await migrator.getMigrations();
        return all.every((m) => m.executedAt !== undefined);
      } catch {
        return false;
      }
    },
    async close() {
      await db.destroy();
      release();
    },
  };
}
