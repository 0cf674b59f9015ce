import { Router, type Request, type RequestHandler, type Response } from 'express';
import { pipeline } from 'node:stream/promises';
import contentDisposition from 'content-disposition';
import parseRange from 'range-parser';
import { TRPCError } from '@trpc/server';
import { AppError, assertEntitled, authenticate, getFile, newUploadId, recordUpload, toErrorBody, type Context, type Logger, type RouterDeps } from '@monospace/router';
import { sendError } from './errors.js';
import { requestInfo } from './request-info.js';
import { receiveUpload } from './uploads.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Types a browser may show in place; everything else (HTML and SVG included) is a download. */
function isInlineSafe(mimeType: string): boolean {
  if (mimeType === 'image/svg+xml') return false;
  return /^(image|audio|video)\//.test(mimeType) || mimeType === 'application/pdf' || mimeType === 'text/plain';
}

/** The plain `filename` for old clients: ASCII only; the exact name goes in RFC 5987 `filename*`. */
function asciiFallback(name: string): string {
  return name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^\x20-\x7e]/g, '_');
}

/** If-None-Match: `*` or a list of (possibly weak) tags, one of which is ours. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === etag;
  });
}

/**
 * The Range to honour, if any: only `bytes`, only while If-Range (an ETag or a
 * date) still names this version, and with a suffix longer than the file meaning
 * the whole file (RFC 9110 §14.1.2), which range-parser would call unsatisfiable.
 */
function requestedRange(req: Request, size: number, etag: string, lastModified: Date): string | undefined {
  const range = req.headers.range;
  if (!range || !/^bytes=/i.test(range.trim())) return undefined;
  const ifRange = req.get('if-range')?.trim();
  if (ifRange) {
    const current = ifRange.startsWith('"') ? ifRange === etag : Date.parse(ifRange) === Math.floor(lastModified.getTime() / 1000) * 1000;
    if (!current) return undefined;
  }
  const suffix = /^bytes=\s*-(\d+)\s*$/i.exec(range.trim());
  if (suffix && size > 0 && Number(suffix[1]) > size) return `bytes=0-${size - 1}`;
  return range;
}

/** Runs an Express handler, answering thrown errors in the contract's shape. */
function route(logger: Logger, handler: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return async (req, res) => {
    try {
      await handler(req, res);
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (!(error instanceof TRPCError)) logger.error({ err: error, path: req.path }, 'asset route failed');
      const body = toErrorBody(error instanceof TRPCError ? error : new AppError('INTERNAL_SERVER_ERROR', 'Internal server error'));
      const retryAfter = error instanceof AppError && error.retryAfter ? { 'Retry-After': String(error.retryAfter) } : undefined;
      sendError(res, body.code, body.message, retryAfter);
    }
  };
}

/** The byte routes tRPC cannot carry: multipart upload and ranged download, with the same authentication. */
export function assetRoutes(deps: RouterDeps, logger: Logger, maxUploadBytes: number): Router {
  const router = Router();
  const contextOf = (req: Request, res: Response): Context => ({ deps, req: requestInfo(req, res, 'rest') });

  router.post(
    '/system/assets',
    route(logger, async (req, res) => {
      const ctx = contextOf(req, res);
      const principal = await authenticate(ctx, 'mutation');
      assertEntitled(principal, 'file:create');
      if (!req.is('multipart/form-data')) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as multipart/form-data');
      const declared = Number(req.headers['content-length']);
      // Stop a body that cannot fit before reading it; the connection closes behind the answer.
      const refuseRest = () => {
        res.setHeader('Connection', 'close');
        res.on('finish', () => req.destroy());
      };
      if (declared > maxUploadBytes + 64 * 1024) {
        refuseRest();
        throw new AppError('PAYLOAD_TOO_LARGE', `The file is larger than ${maxUploadBytes} bytes`);
      }
      const id = await newUploadId(ctx);
      let received;
      try {
        received = await receiveUpload(req, deps.storage, id, maxUploadBytes);
      } catch (error) {
        if (!req.complete) refuseRest();
        throw error;
      }
      const file = await recordUpload({ ...ctx, principal }, { id, ...received });
      res.status(201).setHeader('Cache-Control', 'no-store').json(file);
    }),
  );

  router.get(
    '/system/assets/:file_id',
    route(logger, async (req, res) => {
      const ctx = contextOf(req, res);
      await authenticate(ctx, 'query');
      const id = String(req.params.file_id);
      const download = req.query.download;
      if (!UUID.test(id)) throw new AppError('BAD_REQUEST', 'file_id must be a UUID');
      if (download !== undefined && download !== 'true' && download !== 'false') throw new AppError('BAD_REQUEST', 'download must be true or false');
      const file = await getFile(ctx, id);
      const type = download === 'true' || !isInlineSafe(file.mimeType) ? 'attachment' : 'inline';
      res.set({
        'Content-Type': file.mimeType,
        ETag: `"${file.checksum.slice('sha256:'.length)}"`,
        'Last-Modified': new Date(file.createdAt).toUTCString(),
        'Accept-Ranges': 'bytes',
        'X-Content-Type-Options': 'nosniff',
        'Content-Disposition': contentDisposition(file.filename, { type, fallback: asciiFallback(file.filename) }),
        'Cache-Control': 'private, no-cache',
      });
      // Compared here rather than with req.fresh: a client that sets If-None-Match itself
      // (fetch does) also sends Cache-Control: no-cache, which req.fresh takes as "never fresh".
      if (matchesEtag(req.headers['if-none-match'], res.get('ETag')!)) {
        res.status(304).end();
        return;
      }
      const rangeHeader = requestedRange(req, file.size, res.get('ETag')!, new Date(file.createdAt));
      const ranges = rangeHeader !== undefined ? parseRange(file.size, rangeHeader, { combine: true }) : undefined;
      if (ranges === -1) {
        // The error is JSON: none of the file's own headers apply to it.
        for (const header of ['Content-Disposition', 'Content-Type', 'ETag', 'Last-Modified']) res.removeHeader(header);
        res.status(416).set('Content-Range', `bytes */${file.size}`).json({ code: 'BAD_REQUEST', message: 'Range not satisfiable' });
        return;
      }
      const range = Array.isArray(ranges) && ranges.length === 1 ? ranges[0] : undefined;
      if (range) {
        res.status(206).set({ 'Content-Range': `bytes ${range.start}-${range.end}/${file.size}`, 'Content-Length': String(range.end - range.start + 1) });
      } else {
        res.status(200).set('Content-Length', String(file.size));
      }
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      await pipeline(deps.storage.read(id, file.size, range), res);
    }),
  );
  return router;
}
