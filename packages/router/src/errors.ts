import { TRPCError } from '@trpc/server';
import { z } from 'zod';

/** The error codes of the contract, each with its HTTP status: one map for RPC and REST. */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_SUPPORTED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_REQUESTS: 429,
  INTERNAL_SERVER_ERROR: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorIssue {
  path: (string | number)[];
  message: string;
}

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  issues?: ErrorIssue[];
}

/**
 * The one error type services throw. It is a TRPCError so both transports
 * carry its code; `retryAfter` (seconds) becomes a `Retry-After` header.
 */
export class AppError extends TRPCError {
  readonly retryAfter?: number;

  constructor(code: Exclude<ErrorCode, 'BAD_REQUEST'> | 'BAD_REQUEST', message: string, options: { retryAfter?: number; cause?: unknown } = {}) {
    super({ code, message, cause: options.cause });
    this.retryAfter = options.retryAfter;
  }
}

/** A 400 naming the bad fields, in the same form as a schema failure. */
export function invalidInput(issues: ErrorIssue[]): TRPCError {
  // Shaped like a schema failure (trpc-to-openapi looks for an Error named ZodError with `issues`).
  const cause = Object.assign(new Error('Input validation failed'), { name: 'ZodError', issues });
  return new TRPCError({ code: 'BAD_REQUEST', message: 'Input validation failed', cause });
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);
export const conflict = (message: string) => new AppError('CONFLICT', message);
export const unauthorized = (message = 'Authentication required') => new AppError('UNAUTHORIZED', message);
export const forbidden = (message: string) => new AppError('FORBIDDEN', message);

function validationIssues(cause: unknown): ErrorIssue[] | null {
  if (cause instanceof z.ZodError || (cause instanceof Error && cause.name === 'ZodError')) {
    const issues = (cause as { issues?: { path: PropertyKey[]; message: string }[] }).issues ?? [];
    return issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: i.message }));
  }
  return null;
}

/**
 * Turns any error into the contract's body. Only errors we raised on purpose
 * keep their message; anything else is an opaque 500.
 */
export function toErrorBody(error: TRPCError): ErrorBody {
  const code = (error.code in ERROR_STATUS ? error.code : error.code === 'PARSE_ERROR' ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR') as ErrorCode;
  const issues = validationIssues(error.cause);
  if (issues) return { code: 'BAD_REQUEST', message: 'Input validation failed', issues };
  if (code === 'INTERNAL_SERVER_ERROR') return { code, message: 'Internal server error' };
  if (error.code === 'PARSE_ERROR') return { code, message: 'Malformed JSON in the request body' };
  return { code, message: error.message };
}

export function statusOf(code: ErrorCode): number {
  return ERROR_STATUS[code];
}
