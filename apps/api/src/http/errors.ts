import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { statusOf, type ErrorBody, type ErrorCode, type Logger } from '@monospace/router';

export function sendError(res: Response, code: ErrorCode, message: string, headers: Record<string, string> = {}): void {
  const body: ErrorBody = { code, message };
  res.status(statusOf(code)).set(headers).json(body);
}

export const notFoundHandler: RequestHandler = (_req, res) => sendError(res, 'NOT_FOUND', 'No such route');

/** Errors raised before a procedure runs (body parsing) and anything unexpected: never a stack or internal message. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const type = (error as { type?: string }).type;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    switch (type) {
      case 'entity.too.large':
        return sendError(res, 'PAYLOAD_TOO_LARGE', 'The JSON body is larger than 1 MiB');
      case 'entity.parse.failed':
        return sendError(res, 'BAD_REQUEST', 'Malformed JSON in the request body');
      case 'encoding.unsupported':
      case 'charset.unsupported':
        return sendError(res, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported body encoding');
      case 'entity.unsafe':
        return sendError(res, 'BAD_REQUEST', (error as Error).message);
      case 'request.aborted':
        return;
    }
    if (error instanceof URIError) return sendError(res, 'BAD_REQUEST', 'Malformed percent-encoding in the URL');
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return sendError(res, 'BAD_REQUEST', 'The request body could not be read');
    }
    logger.error({ err: error, method: req.method, path: req.path }, 'unhandled error');
    sendError(res, 'INTERNAL_SERVER_ERROR', 'Internal server error');
  };
}
