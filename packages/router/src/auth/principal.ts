import { ACCESS_COOKIE, type Context } from '../context.js';
import { forbidden, unauthorized } from '../errors.js';
import { grantsWithin, isEntitled } from '../entitlements.js';
import { authenticateApiKey } from '../api-keys/authenticate.js';
import { findSessionPrincipal } from './queries.js';

export interface Principal {
  type: 'user' | 'serviceAccount';
  id: string;
  /** The session behind an access token; null for an API key. */
  sessionId: string | null;
  /** The API key used, if any. */
  apiKeyId: string | null;
  /**
   * Grant pattern lists that must all allow a key: the role's, and an API
   * key's own entitlements when it has them (the key is narrowed to those).
   */
  grantSets: readonly (readonly string[])[];
  /** How the credential came: a cookie-authenticated state change must pass the origin check. */
  via: 'bearer' | 'cookie' | 'apiKey';
}

export function can(principal: Principal, key: string): boolean {
  return principal.grantSets.every((grants) => isEntitled(grants, key));
}

/**
 * Whether an API key's own entitlements allow `key` (true for a key without any,
 * and for sessions): rights a principal holds by position, such as deleting its
 * own uploads, still stop at the narrowing of the key it came with.
 */
export function narrowingAllows(principal: Principal, key: string): boolean {
  return principal.grantSets.slice(1).every((grants) => isEntitled(grants, key));
}

/** 403 naming the missing key. */
export function assertEntitled(principal: Principal, key: string): void {
  if (!can(principal, key)) throw forbidden(`Missing entitlement ${key}`);
}

/** Everything `grants` allows, the principal is allowed too (no escalation, SPEC §2). */
export function holdsAll(principal: Principal, grants: readonly string[]): boolean {
  return principal.grantSets.every((own) => grantsWithin(grants, own));
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

type SessionRow = NonNullable<Awaited<ReturnType<typeof findSessionPrincipal>>>;

/** The live session's user and grants: from the cache, else one indexed query (then cached). */
async function sessionPrincipal(ctx: Context, sessionId: string, userId: string): Promise<Pick<SessionRow, 'id' | 'entitlements'> | undefined> {
  const { principals, db, clock } = ctx.deps;
  const now = clock.now();
  const key = `session:${sessionId}`;
  const cached = principals.get<SessionRow>(key);
  if (cached && cached.id === userId && cached.expires_at > now) return cached;
  const generation = principals.snapshot();
  const row = await findSessionPrincipal(db, sessionId, userId, now);
  if (row) principals.set(key, row, generation);
  return row;
}

/**
 * Who is calling, from the first credential present: a Bearer access token,
 * then the access cookie. Checks the session is live at once (not at expiry).
 */
export async function authenticate(ctx: Context, type: 'query' | 'mutation' | 'subscription'): Promise<Principal> {
  const bearer = bearerToken(ctx.req.authorization);
  const token = bearer ?? ctx.req.cookies[ACCESS_COOKIE] ?? null;
  if (!token) throw unauthorized();
  if (bearer?.startsWith('msk_')) return authenticateApiKey(ctx, bearer);
  const claims = await ctx.deps.tokens.verifyAccess(token);
  if (!claims) throw unauthorized('Invalid or expired access token');
  const via = bearer ? 'bearer' : 'cookie';
  if (via === 'cookie' && type !== 'query') assertTrustedOrigin(ctx);
  const row = await sessionPrincipal(ctx, claims.sid, claims.sub);
  if (!row) throw unauthorized('The session has ended');
  return { type: 'user', id: row.id, sessionId: claims.sid, apiKeyId: null, grantSets: [row.entitlements ?? []], via };
}

/** The context of a procedure behind `authedProcedure`. */
export type AuthedContext = Context & { principal: Principal };
