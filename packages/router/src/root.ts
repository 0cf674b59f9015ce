import { apiKeysRouter } from './api-keys/router.js';
import { authRouter } from './auth/router.js';
import { entitlementsRouter } from './entitlements/router.js';
import { assetsRouter, filesRouter } from './files/router.js';
import { invitesRouter } from './invites/router.js';
import { settingsRouter } from './settings/router.js';
import { openapiRouter } from './openapi/router.js';
import { projectsRouter } from './projects/router.js';
import { rolesRouter } from './roles/router.js';
import { serviceAccountsRouter } from './service-accounts/router.js';
import { createCallerFactory, router, type Meta } from './trpc.js';
import { usersRouter } from './users/router.js';

export const appRouter = router({
  auth: authRouter,
  projects: projectsRouter,
  users: usersRouter,
  roles: rolesRouter,
  entitlements: entitlementsRouter,
  invites: invitesRouter,
  settings: settingsRouter,
  files: filesRouter,
  assets: assetsRouter,
  apiKeys: apiKeysRouter,
  serviceAccounts: serviceAccountsRouter,
  openapi: openapiRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);

/** Each procedure's meta by its path (`projects.create`): for the REST statuses and the OpenAPI document. */
export const procedureMetas: ReadonlyMap<string, Meta> = new Map(
  Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { meta?: Meta } }>).map(([path, p]) => [path, p._def.meta ?? {}]),
);
