import { z } from 'zod';
import { sql, type Expression, type SqlBool } from '@monospace/db';
import { invalidInput } from '../errors.js';
import { int } from './fields.js';

export const DEFAULT_LIMIT = 50;

/** Query parameters every list takes (SPEC §1). */
export const pageParams = {
  limit: int(1, 200).optional().meta({ description: 'Page size, 1 to 200 (default 50)' }),
  cursor: z.string().max(200).optional().meta({ description: 'Opaque cursor: nextCursor of the previous page' }),
};

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export interface Keyset {
  createdAt: Date;
  id: string;
}

/** Cursors hold timestamps we wrote: 1970 to 9999. */
const MAX_TIME = Date.UTC(10000, 0, 1);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function encodeCursor(row: { created_at: Date; id: string }): string {
  return Buffer.from(`${row.created_at.toISOString()}|${row.id}`).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): Keyset | null {
  if (cursor === undefined) return null;
  const [iso, id, extra] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(iso ?? '');
  const time = createdAt.getTime();
  if (extra !== undefined || !id || !UUID.test(id) || !(time >= 0 && time < MAX_TIME)) {
    throw invalidInput([{ path: ['cursor'], message: 'Invalid cursor' }]);
  }
  return { createdAt, id };
}

/** `(created_at, id) > (cursor)` for keyset pagination over a table with those columns. */
export function afterKeyset(key: Keyset, table: string): Expression<SqlBool> {
  return sql<SqlBool>`(${sql.ref(`${table}.created_at`)}, ${sql.ref(`${table}.id`)}) > (${key.createdAt}, ${key.id}::uuid)`;
}

/** Cuts the extra row a page query fetched (limit + 1) into a page. */
export function toPage<Row extends { created_at: Date; id: string }, Item>(rows: Row[], limit: number, map: (row: Row) => Item) {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  return { items: kept.map(map), nextCursor: more ? encodeCursor(kept[kept.length - 1]!) : null };
}

/** `%term%` for ILIKE, with the pattern characters of the term escaped. */
export function containsPattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
