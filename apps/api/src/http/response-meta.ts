import type { TRPCError } from '@trpc/server';
import { AppError, procedureMetas, statusOf, toErrorBody } from '@monospace/router';

const NO_STORE = { 'Cache-Control': 'no-store' };

function errorHeaders(error: TRPCError): Record<string, string> {
  return error instanceof AppError && error.retryAfter ? { ...NO_STORE, 'Retry-After': String(error.retryAfter) } : NO_STORE;
}


/** REST: the status of the contract (201, 204, or the error's), and Retry-After on 429s. */
export function restResponseMeta({ paths, errors }: { paths?: readonly string[]; errors: readonly TRPCError[] }) {
  const error = errors[0];
  if (error) return { status: statusOf(toErrorBody(error).code), headers: errorHeaders(error) };
  return { status: (paths?.[0] ? procedureMetas.get(paths[0])?.successStatus : undefined) ?? 200, headers: NO_STORE };
}

/** RPC keeps tRPC's statuses; it only adds Retry-After and no-store. */
export function rpcResponseMeta({ errors }: { errors: readonly TRPCError[] }) {
  const error = errors.find((e) => e instanceof AppError && e.retryAfter);
  return { headers: error ? errorHeaders(error) : NO_STORE };
}
