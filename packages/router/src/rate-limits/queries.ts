import type { Database, Kysely } from '@monospace/db';

export function decrementCounter(db: Kysely<Database>, key: string) {
  return db.updateTable('rate_limits').set((eb) => ({ count: eb('count', '-', 1) })).where('key', '=', key).where('count', '>', 0).execute();
}

/** Counts one hit in a fixed window, starting a new window when the old one has passed. */
export function incrementCounter(db: Kysely<Database>, key: string, now: Date, windowStartsAfter: Date) {
  return db
    .insertInto('rate_limits')
    .values({ key, window_start: now, count: 1 })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => ({
        window_start: eb.case().when('rate_limits.window_start', '<=', windowStartsAfter).then(eb.ref('excluded.window_start')).else(eb.ref('rate_limits.window_start')).end(),
        count: eb.case().when('rate_limits.window_start', '<=', windowStartsAfter).then(1).else(eb('rate_limits.count', '+', 1)).end(),
      })),
    )
    .returning(['count', 'window_start'])
    .executeTakeFirstOrThrow();
}

export function deleteCounter(db: Kysely<Database>, key: string) {
  return db.deleteFrom('rate_limits').where('key', '=', key).execute();
}
