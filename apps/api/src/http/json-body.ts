import express, { type RequestHandler } from 'express';
import { sendError } from './errors.js';

const MAX_DEPTH = 64;

class UnsafeJsonError extends Error {
  readonly type = 'entity.unsafe';
}

/**
 * Refuses, before parsing, what PostgreSQL or a recursive walker would choke on:
 * NUL characters in strings, and nesting deeper than any input of ours.
 */
function assertSafeJson(raw: Buffer): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (inString) {
      if (c === 0x5c /* \ */) {
        if (raw[i + 1] === 0x75 /* u */ && raw.toString('latin1', i + 2, i + 6) === '0000') throw new UnsafeJsonError('NUL characters are not allowed in strings');
        i++;
      } else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_DEPTH) throw new UnsafeJsonError(`JSON nested deeper than ${MAX_DEPTH} levels`);
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
}

/** JSON bodies up to 1 MiB, checked by `assertSafeJson`. */
export const jsonBody: RequestHandler = express.json({ limit: '1mb', strict: false, type: ['application/json', 'application/*+json'], verify: (_req, _res, raw) => assertSafeJson(raw) });

/** A NUL in the URL (a path or a query value, RPC inputs included) is refused the same way. */
export const refuseNulInUrl: RequestHandler = (req, res, next) => {
  if (/%00/i.test(req.url)) return sendError(res, 'BAD_REQUEST', 'NUL characters are not allowed in the URL');
  next();
};
