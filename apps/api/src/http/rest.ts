import type { Request, RequestHandler } from 'express';
import { createOpenApiExpressMiddleware } from 'trpc-to-openapi';
import { appRouter, toErrorBody, type AppRouter, type Logger, type RouterDeps } from '@monospace/router';
import { sendError } from './errors.js';
import { requestInfo } from './request-info.js';
import { restResponseMeta } from './response-meta.js';
import { coerceQuery, findRoute, routeTable, type Route } from './route-table.js';

/**
 * The router as trpc-to-openapi should see it: the same procedures, with an
 * error formatter that gives the contract's REST body `{ code, message, issues? }`.
 */
function restView(router: AppRouter): AppRouter {
  const config = { ...router._def._config, errorFormatter: ({ error }: { error: Parameters<typeof toErrorBody>[0] }) => toErrorBody(error) };
  return { ...router, _def: { ...router._def, _config: config } } as unknown as AppRouter;
}

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/**
 * What trpc-to-openapi would silently drop: a body that is no object, a body
 * key or query parameter repeating a path parameter (the path would win), or a
 * query on a request whose input is its body.
 */
function inputProblem(req: Request, pathParams: readonly string[]): string | undefined {
  const query = Object.keys(req.query as object);
  if (req.method === 'GET' || req.method === 'DELETE') {
    const repeated = query.find((k) => pathParams.includes(k));
    return repeated ? `"${repeated}" is given by the path` : undefined;
  }
  if (query.length > 0) return `${req.method} takes its input in the JSON body, not in the query string`;
  if (req.body === undefined) return undefined;
  if (req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) return 'The JSON body must be an object';
  const repeated = Object.keys(req.body).find((k) => pathParams.includes(k));
  return repeated ? `"${repeated}" is given by the path` : undefined;
}

function allowedMethods(route: Route): string {
  const methods = Object.keys(route.operations).map((m) => m.toUpperCase());
  if (methods.includes('GET')) methods.push('HEAD');
  return methods.sort().join(', ');
}

/** REST at /api: 404 and 405 from the document's paths, query coercion, then the procedures. */
export function restHandler(deps: RouterDeps, document: { paths?: Record<string, Record<string, unknown>> }, logger: Logger): RequestHandler {
  const routes = routeTable(document);
  const handle = createOpenApiExpressMiddleware({
    router: restView(appRouter),
    createContext: ({ req, res }) => ({ deps, req: requestInfo(req as Request, res as never, 'rest') }),
    responseMeta: restResponseMeta,
    onError: ({ error, path }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') logger.error({ err: error.cause ?? error, path }, 'procedure failed');
    },
  });
  return (req, res) => {
    const route = findRoute(routes, req.path);
    if (!route) return sendError(res, 'NOT_FOUND', 'No such route');
    // HEAD is GET without the body: Node drops the body of a HEAD request's answer by itself.
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const operation = route.operations[method.toLowerCase()];
    if (!operation) {
      res.setHeader('Allow', allowedMethods(route));
      return sendError(res, 'METHOD_NOT_SUPPORTED', `${req.method} is not allowed here`);
    }
    req.method = method;
    if ((req.method === 'GET' || req.method === 'DELETE') && hasBody(req)) {
      return sendError(res, 'BAD_REQUEST', `${req.method} takes no request body`);
    }
    const problem = inputProblem(req, route.params);
    if (problem) return sendError(res, 'BAD_REQUEST', problem);
    if (req.method === 'GET') {
      Object.defineProperty(req, 'query', { value: coerceQuery(req.query as Record<string, unknown>, operation), configurable: true, writable: true });
    } else if (!hasBody(req) && !req.headers['content-type']) {
      // A POST without a body (logout, refresh by cookie) needs no content type.
      req.headers['content-type'] = 'application/json';
    }
    return handle(req, res);
  };
}
