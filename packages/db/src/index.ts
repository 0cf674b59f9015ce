export * from './types.js';
export { createDatabase, type DatabaseHandle, type DatabaseKind, type DatabaseOptions, type ListenCallbacks } from './create-database.js';
export type { ChunkStore } from './file-chunks.js';
export { DataDirLockedError } from './data-dir-lock.js';
export { sql, type Expression, type Kysely, type SqlBool, type Transaction } from 'kysely';
