import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@monospace/router';

export type { AppRouter };
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

/** The contract's error codes (SPEC §1). */
export type ErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'METHOD_NOT_SUPPORTED'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'TOO_MANY_REQUESTS'
  | 'INTERNAL_SERVER_ERROR';

export interface ClientOptions {
  /** The server's base URL, e.g. `http://localhost:8080`. */
  url: string;
  /** A fixed credential: an access token (or, once supported, an API key). */
  token?: string;
  /** Called before each request for the current credential (to refresh it, say). */
  getToken?: () => string | null | undefined | Promise<string | null | undefined>;
  /** Extra headers for every request. */
  headers?: Record<string, string>;
  /** A fetch implementation (defaults to the global one). */
  fetch?: typeof globalThis.fetch;
}

/** The typed RPC client: `client.projects.list.query({ limit: 10 })`. */
export function createClient(options: ClientOptions) {
  const base = options.url.replace(/\/+$/, '');
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${base}/trpc`,
        fetch: options.fetch,
        async headers() {
          const token = options.getToken ? await options.getToken() : options.token;
          return { ...options.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) };
        },
      }),
    ],
  });
}

export type Client = ReturnType<typeof createClient>;

/** The contract's code of an error thrown by a client call, if it came from the server. */
export function errorCode(error: unknown): ErrorCode | undefined {
  if (error instanceof TRPCClientError) return (error.data as { code?: ErrorCode } | undefined)?.code;
  return undefined;
}

export { TRPCClientError };
