import type { Database, Kysely } from '@monospace/db';

/** A success after counted attempts: `reset` starts over, `giveBack` get their count back; one statement. */
export function forgiveCounters(db: Kysely<Database>, reset: string[], giveBack: string[]) {
  return db
    .updateTable('rate_limits')
    .set((eb) => ({ count: eb.case().when('key', 'in', reset.length ? reset : ['']).then(0).else(eb('count', '-', 1)).end() }))
    .where('key', 'in', [...reset, ...giveBack])
    .where('count', '>', 0)
    .execute();
}

/** Counts one hit on each key in a fixed window (a new window once the old one has passed), in one statement. */
export function incrementCounters(db: Kysely<Database>, keys: string[], now: Date, windowStartsAfter: Date) {
  return db
    .insertInto('rate_limits')
    .values(keys.map((key) => ({ key, window_start: now, count: 1 })))
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => ({
        window_start: eb.case().when('rate_limits.window_start', '<=', windowStartsAfter).then(eb.ref('excluded.window_start')).else(eb.ref('rate_limits.window_start')).end(),
        count: eb.case().when('rate_limits.window_start', '<=', windowStartsAfter).then(1).else(eb('rate_limits.count', '+', 1)).end(),
      })),
    )
    .returning(['key', 'count', 'window_start'])
    .execute();
}

