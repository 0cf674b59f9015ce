import { ACCESS_COOKIE, type Context } from '../context.js';
import { AppError, forbidden, unauthorized } from '../errors.js';
import { findSessionPrincipal } from './queries.js';

export interface Principal {
  type: 'user';
  id: string;
  email: string;
  /** The session behind the access token. */
  sessionId: string;
  /** Role grant patterns (see entitlements.ts). */
  grants: readonly string[];
  /** How the credential came: a cookie-authenticated state change must pass the origin check. */
  via: 'bearer' | 'cookie';
}

/** The token of `Authorization: Bearer <token>`; undefined when the header is absent or malformed. */
export function parseBearer(authorization: string | null): string | undefined {
  return authorization === null ? undefined : /^Bearer ([^\s]+)$/i.exec(authorization.trim())?.[1];
}

/** The Bearer token for authentication: a malformed header is a 401, never a fall-through. */
export function bearerToken(authorization: string | null): string | null {
  if (authorization === null) return null;
  const token = parseBearer(authorization);
  if (!token) throw unauthorized('The Authorization header must be "Bearer <token>"');
  return token;
}

/** Whether a state-changing request authenticated by cookie comes from a page we trust (CSRF). */
export function isTrustedOrigin(ctx: Context): boolean {
  const { origin, ownOrigin } = ctx.req;
  if (!origin) return false;
  if (origin === ownOrigin) return true;
  if (origin === new URL(ctx.deps.config.publicUrl).origin) return true;
  return ctx.deps.config.corsOrigins.includes(origin);
}

export function assertTrustedOrigin(ctx: Context): void {
  if (!isTrustedOrigin(ctx)) throw forbidden('Cookie-authenticated requests that change state must come from an allowed Origin');
}

/**
 * Who is calling, from the first credential present: a Bearer access token,
 * then the access cookie. Checks the session is live at once (not at expiry).
 */
export async function authenticate(ctx: Context, type: 'query' | 'mutation' | 'subscription'): Promise<Principal> {
  const bearer = bearerToken(ctx.req.authorization);
  const token = bearer ?? ctx.req.cookies[ACCESS_COOKIE] ?? null;
  if (!token) throw unauthorized();
  if (token.startsWith('msk_')) throw new AppError('UNAUTHORIZED', 'API keys are not accepted yet');
  const claims = await ctx.deps.tokens.verifyAccess(token);
  if (!claims) throw unauthorized('Invalid or expired access token');
  const via = bearer ? 'bearer' : 'cookie';
  if (via === 'cookie' && type !== 'query') assertTrustedOrigin(ctx);
  const row = await findSessionPrincipal(ctx.deps.db, claims.sid, claims.sub, ctx.deps.clock.now());
  if (!row) throw unauthorized('The session has ended');
  return { type: 'user', id: row.id, email: row.email, sessionId: claims.sid, grants: row.entitlements ?? [], via };
}
