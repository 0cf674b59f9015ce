import type { Database, Kysely } from '@monospace/db';
import { AppError } from '../errors.js';
import { forgiveCounter, incrementCounters } from './queries.js';

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

/** Counts one attempt against each limit and throws 429 when it goes past one. */
export async function consume(window: Window, limits: Limit[]): Promise<void> {
  const cutoff = new Date(window.now.getTime() - window.seconds * 1000);
  let exceeded: number | null = null;
  for (const row of await incrementCounters(window.db, limits.map((l) => l.key), window.now, cutoff)) {
    const limit = limits.find((l) => l.key === row.key)!;
    if (row.count > limit.max) exceeded = Math.max(exceeded ?? 0, retryAfter(row.window_start, window));
  }
  if (exceeded !== null) throw tooMany(exceeded);
}

/** A success after counted attempts: the first limit (the account's) starts over, the others get their count back. */
export async function forgive(db: Kysely<Database>, [own, ...shared]: Limit[]): Promise<void> {
  if (own) await forgiveCounter(db, own.key, true);
  for (const limit of shared) await forgiveCounter(db, limit.key, false);
}
