import type { Migration } from 'kysely';
import * as foundation from './2026-12-03T00-00-foundation.js';

/** Every migration, in order. Add new files here; never edit a listed one. */
export const migrations: Record<string, Migration> = {
  '2026-12-03T00-00-foundation': foundation,
};
