import express, { type Express } from 'express';
import cors from 'cors';
import type { DatabaseHandle } from '@monospace/db';
import { createPasswordHasher, createTokenService, bootstrap, databaseStorage, localStorage, OutboxSender, PrincipalCache, type Clock, type RouterDeps, type PasswordHasher } from '@monospace/router';
import { join, resolve } from 'node:path';
import { assetRoutes } from './http/assets.js';
import { createMailTransport } from './mail.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { buildOpenApiDocument } from './openapi.js';
import { errorHandler, notFoundHandler } from './http/errors.js';
import { jsonBody, refuseNulInUrl } from './http/json-body.js';
import { restHandler } from './http/rest.js';
import { rpcHandler } from './http/rpc.js';

export interface AppOptions {
  database: DatabaseHandle;
  config: Readonly<Config>;
  logger: Logger;
  clock?: Clock;
  /** Tests pass one hasher to many apps, to pay for its dummy hash once. */
  passwords?: PasswordHasher;
  /** How often the mail sender looks at the outbox when nothing wakes it (ms). */
  mailPollMs?: number;
  /** Benchmark mode (COUNT_QUERIES): the number of queries sent so far, served at GET /debug/queries. */
  queryCount?: () => number;
}

export interface App {
  express: Express;
  deps: RouterDeps;
  /** Set when this start created the owner with a generated password. */
  generatedOwnerPassword?: string;
  /** Stops background work (the mail sender); the database stays open. */
  stop(): Promise<void>;
}

const systemClock: Clock = { now: () => new Date() };

function requestLog(logger: Logger): express.RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      // The path only: query strings may carry tokens (password-reset links).
      logger.info({ method: req.method, path: req.originalUrl.split('?')[0], status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
    });
    next();
  };
}

/** Builds the whole server over a migrated database: what `server.ts` runs and what tests start on a random port. */
export async function createApp(options: AppOptions): Promise<App> {
  const { database, config, logger } = options;
  const clock = options.clock ?? systemClock;
  const passwords = options.passwords ?? (await createPasswordHasher());
  const boot = await bootstrap({ db: database.db, clock, passwords, authSecret: config.authSecret, adminEmail: config.adminEmail, adminPassword: config.adminPassword });
  const tokens = await createTokenService({
    secret: boot.authSecret,
    issuer: config.publicUrl,
    audience: 'monospace-system-api',
    accessTtl: config.accessTokenTtl,
    refreshTtl: config.refreshTokenTtl,
    clock,
  });
  const document = buildOpenApiDocument(config.publicUrl);
  const principals = new PrincipalCache();
  const unlisten = await database.listen('monospace_auth', {
    ready: () => principals.ready(),
    message: () => principals.clear(),
    lost: () => principals.lost(),
  });
  const outbox = new OutboxSender({ db: database.db, clock, logger, transport: createMailTransport(config, logger), pollMs: options.mailPollMs });
  const deps: RouterDeps = {
    db: database.db,
    config,
    clock,
    tokens,
    passwords,
    logger,
    mail: outbox,
    principals,
    storage: config.storageDriver === 'database' ? databaseStorage(database.chunks) : localStorage(resolve(join(config.dataDir, 'files'))),
    openApiDocument: () => document,
  };
  outbox.start();

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('etag', false);
  if (config.logLevel === 'debug' || config.logLevel === 'trace') app.use(requestLog(logger));
  if (config.corsOrigins.length > 0) {
    app.use(cors({ origin: [...config.corsOrigins], credentials: true, maxAge: 600, exposedHeaders: ['Retry-After'] }));
  }

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  if (options.queryCount) {
    const count = options.queryCount;
    app.get('/debug/queries', (_req, res) => {
      res.json({ queries: count() });
    });
  }
  app.get('/readyz', async (_req, res) => {
    const ready = await database.isReady();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable' });
  });

  app.use(refuseNulInUrl);
  app.use('/trpc', jsonBody, rpcHandler(deps, logger));
  app.use('/api', assetRoutes(deps, logger, config.maxUploadBytes), jsonBody, restHandler(deps, document, logger));
  app.use(notFoundHandler);
  app.use(errorHandler(logger));

  return { express: app, deps, generatedOwnerPassword: boot.createdOwner?.generatedPassword, stop: async () => {
      await outbox.stop();
      await unlisten();
    },
  };
}
