import type { Database, Kysely } from '@monospace/db';

/**
 * A success after a counted attempt: `reset` starts over, otherwise the count is given back.
 * One row per statement: a statement holding two row locks could deadlock with the upsert below.
 */
export function forgiveCounter(db: Kysely<Database>, key: string, reset: boolean) {
  return db
    .updateTable('rate_limits')
    .set((eb) => ({ count: reset ? 0 : eb('count', '-', 1) }))
    .where('key', '=', key)
    .where('count', '>', 0)
    .execute();
}

/** Counts one hit on each key in a fixed window (a new window once the old one has passed), in one statement. */
export function incrementCounters(db: Kysely<Database>, keys: string[], now: Date, windowStartsAfter: Date) {
  return db
    .insertInto('rate_limits')
    // Sorted: concurrent upserts lock their rows in one order, so they cannot deadlock.
    .values([...keys].sort().map((key) => ({ key, window_start: now, count: 1 })))
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => ({
        window_start: eb.case().when('rate_limits.window_start', '<=', windowStartsAfter).then(eb.ref('excluded.window_start')).else(eb.ref('rate_limits.window_start')).end(),
        count: eb.case().when('rate_limits.window_start', '<=', windowStartsAfter).then(1).else(eb('rate_limits.count', '+', 1)).end(),
      })),
    )
    .returning(['key', 'count', 'window_start'])
    .execute();
}

