import type { Request, RequestHandler } from 'express';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import { appRouter, type Logger, type RouterDeps } from '@monospace/router';
import { requestInfo } from './request-info.js';
import { rpcResponseMeta } from './response-meta.js';

/** Typed RPC at /trpc for @monospace/client, batching on. */
export function rpcHandler(deps: RouterDeps, logger: Logger): RequestHandler {
  return createExpressMiddleware({
    router: appRouter,
    createContext: ({ req, res }) => ({ deps, req: requestInfo(req as Request, res, 'rpc') }),
    responseMeta: rpcResponseMeta,
    maxBodySize: 1024 * 1024,
    maxBatchSize: 20,
    onError: ({ error, path }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') logger.error({ err: error.cause ?? error, path }, 'procedure failed');
    },
  });
}
