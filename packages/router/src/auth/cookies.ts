import { ACCESS_COOKIE, REFRESH_COOKIE, type Context } from '../context.js';

function cookieOptions(ctx: Context, path: string, maxAge: number) {
  return { httpOnly: true, sameSite: 'lax', secure: ctx.req.secure || ctx.deps.config.cookieSecure, path, maxAge } as const;
}

/** Session mode: the access cookie for every path, the refresh cookie only for /api/auth. */
export function setSessionCookies(ctx: Context, tokens: { accessToken: string; refreshToken: string }): void {
  const { tokens: ttl } = ctx.deps;
  ctx.req.setCookie(ACCESS_COOKIE, tokens.accessToken, cookieOptions(ctx, '/', ttl.accessTtl));
  ctx.req.setCookie(REFRESH_COOKIE, tokens.refreshToken, cookieOptions(ctx, '/api/auth', ttl.refreshTtl));
}

export function clearSessionCookies(ctx: Context): void {
  ctx.req.setCookie(ACCESS_COOKIE, '', cookieOptions(ctx, '/', 0));
  ctx.req.setCookie(REFRESH_COOKIE, '', cookieOptions(ctx, '/api/auth', 0));
}
