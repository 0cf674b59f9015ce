import { createHash, randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import type { Clock } from '../context.js';

export interface AccessClaims {
  sub: string;
  sid: string;
}

export interface RefreshClaims extends AccessClaims {
  jti: string;
}

type TokenType = 'access' | 'refresh';

export interface TokenService {
  readonly accessTtl: number;
  readonly refreshTtl: number;
  signAccess(claims: AccessClaims): Promise<string>;
  signRefresh(claims: RefreshClaims): Promise<string>;
  /** The claims of a valid access token, or null for any bad, forged or expired token. */
  verifyAccess(token: string): Promise<AccessClaims | null>;
  verifyRefresh(token: string): Promise<RefreshClaims | null>;
}

export interface TokenServiceOptions {
  secret: Uint8Array;
  issuer: string;
  audience: string;
  accessTtl: number;
  refreshTtl: number;
  clock: Clock;
}

const ALGORITHM = 'HS256';
const VERIFIED_ACCESS_MAX = 10_000;

export const sha256Hex = (value: string) => createHash('sha256').update(value).digest('hex');
export const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');

/**
 * Signs and verifies our JWTs. The HMAC key is imported once as a CryptoKey;
 * verification pins the algorithm and checks exp, iss, aud and typ against the injected clock.
 */
export async function createTokenService(options: TokenServiceOptions): Promise<TokenService> {
  const key = await crypto.subtle.importKey('raw', options.secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  const { issuer, audience, clock } = options;
  /**
   * Access tokens whose signature and claims were checked, by their exact text:
   * a caller's next request skips the HMAC (and WebCrypto's thread-pool round
   * trip). Only the expiry can change its answer, so it is checked every time.
   */
  const verifiedAccess = new Map<string, { claims: AccessClaims; exp: number }>();

  const sign = (typ: TokenType, claims: Record<string, string>, subject: string, ttl: number) => {
    const iat = Math.floor(clock.now().getTime() / 1000);
    return new SignJWT({ ...claims, typ })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setSubject(subject)
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ttl)
      .sign(key);
  };

  const verify = async (token: string, typ: TokenType) => {
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: [ALGORITHM],
        issuer,
        audience,
        currentDate: clock.now(),
        requiredClaims: ['sub', 'sid', 'exp', 'iat'],
        clockTolerance: 0,
      });
      if (payload.typ !== typ || typeof payload.sid !== 'string' || typeof payload.sub !== 'string') return null;
      return payload as typeof payload & { sub: string; sid: string };
    } catch (error) {
      if (error instanceof joseErrors.JOSEError || error instanceof TypeError) return null;
      throw error;
    }
  };

  return {
    accessTtl: options.accessTtl,
    refreshTtl: options.refreshTtl,
    signAccess: ({ sub, sid }) => sign('access', { sid }, sub, options.accessTtl),
    signRefresh: ({ sub, sid, jti }) => sign('refresh', { sid, jti }, sub, options.refreshTtl),
    async verifyAccess(token) {
      const now = Math.floor(clock.now().getTime() / 1000);
      const known = verifiedAccess.get(token);
      if (known) {
        if (now < known.exp) return known.claims;
        verifiedAccess.delete(token);
        return null;
      }
      const payload = await verify(token, 'access');
      if (!payload) return null;
      const claims = { sub: payload.sub, sid: payload.sid };
      if (verifiedAccess.size >= VERIFIED_ACCESS_MAX) verifiedAccess.delete(verifiedAccess.keys().next().value!);
      verifiedAccess.set(token, { claims, exp: payload.exp! });
      return claims;
    },
    async verifyRefresh(token) {
      const payload = await verify(token, 'refresh');
      if (!payload || typeof payload.jti !== 'string') return null;
      return { sub: payload.sub, sid: payload.sid, jti: payload.jti };
    },
  };
}
