import type { Request, Response } from 'express';
import { parse as parseCookies } from 'cookie';
import type { RequestInfo } from '@monospace/router';

function originOf(req: Request): string | null {
  const origin = req.get('origin');
  if (origin && origin !== 'null') return origin;
  const referer = req.get('referer');
  if (!referer) return null;
  try {
    return new URL(referer).origin;
  } catch {
    return null;
  }
}

/** The router's view of an Express request: who, from where, and how to set cookies. */
export function requestInfo(req: Request, res: Response, transport: RequestInfo['transport']): RequestInfo {
  const host = req.get('host');
  return {
    transport,
    ip: req.ip ?? req.socket.remoteAddress ?? 'unknown',
    secure: req.secure,
    origin: originOf(req),
    ownOrigin: host ? `${req.protocol}://${host}` : null,
    userAgent: req.get('user-agent') ?? null,
    authorization: req.get('authorization') ?? null,
    cookies: req.headers.cookie ? parseCookies(req.headers.cookie) : {},
    setCookie(name, value, options) {
      res.cookie(name, value, { ...options, maxAge: options.maxAge * 1000 });
    },
    setHeader(name, value) {
      res.setHeader(name, value);
    },
  };
}
