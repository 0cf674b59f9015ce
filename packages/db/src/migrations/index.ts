import type { Migration } from 'kysely';
import * as foundation from './2026-12-03T00-00-foundation.js';
import * as machinePrincipals from './2026-12-03T01-00-machine-principals.js';
import * as orgAdministration from './2026-12-03T02-00-org-administration.js';
import * as files from './2026-12-03T03-00-files.js';
import * as authNotify from './2026-12-03T04-00-auth-notify.js';

/** Every migration, in order. Add new files here; never edit a listed one. */
export const migrations: Record<string, Migration> = {
  '2026-12-03T00-00-foundation': foundation,
  '2026-12-03T01-00-machine-principals': machinePrincipals,
  '2026-12-03T02-00-org-administration': orgAdministration,
  '2026-12-03T03-00-files': files,
  '2026-12-03T04-00-auth-notify': authNotify,
};
