import type { Database, Kysely } from '@monospace/db';
import { AppError } from '../errors.js';
import { deleteCounter, incrementCounter, readCounters } from './queries.js';

/** A fixed-window limit kept in the database, so every API process shares it. */
export interface Limit {
  key: string;
  max: number;
}

export interface Window {
  db: Kysely<Database>;
  now: Date;
  /** Window length in seconds. */
  seconds: number;
}

function retryAfter(windowStart: Date, { now, seconds }: Window): number {
  return Math.max(1, Math.ceil((windowStart.getTime() + seconds * 1000 - now.getTime()) / 1000));
}

function tooMany(seconds: number): AppError {
  return new AppError('TOO_MANY_REQUESTS', 'Too many attempts; try again later', { retryAfter: seconds });
}

/** Throws 429 when any limit is already used up in the current window; counts nothing. */
export async function assertNotLimited(window: Window, limits: Limit[]): Promise<void> {
  const cutoff = window.now.getTime() - window.seconds * 1000;
  const rows = await readCounters(window.db, limits.map((l) => l.key));
  for (const row of rows) {
    const limit = limits.find((l) => l.key === row.key)!;
    if (row.window_start.getTime() > cutoff && row.count >= limit.max) throw tooMany(retryAfter(row.window_start, window));
  }
}

/** Counts one event against each limit (a failed login, say). */
export async function countEvent(window: Window, limits: Limit[]): Promise<void> {
  const cutoff = new Date(window.now.getTime() - window.seconds * 1000);
  for (const limit of limits) await incrementCounter(window.db, limit.key, window.now, cutoff);
}

/** Counts one event and throws 429 when it goes past a limit (every reset request counts). */
export async function consume(window: Window, limits: Limit[]): Promise<void> {
  const cutoff = new Date(window.now.getTime() - window.seconds * 1000);
  let exceeded: number | null = null;
  for (const limit of limits) {
    const row = await incrementCounter(window.db, limit.key, window.now, cutoff);
    if (row.count > limit.max) exceeded = Math.max(exceeded ?? 0, retryAfter(row.window_start, window));
  }
  if (exceeded !== null) throw tooMany(exceeded);
}

export const resetLimit = (db: Kysely<Database>, key: string) => deleteCounter(db, key);
