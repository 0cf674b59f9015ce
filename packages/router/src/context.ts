import type { Database, Kysely } from '@monospace/db';
import type { Logger } from './logger.js';
import type { TokenService } from './auth/tokens.js';
import type { PasswordHasher } from './auth/passwords.js';
import type { Storage } from './files/storage.js';
import type { PrincipalCache } from './auth/principal-cache.js';

export interface Clock {
  now(): Date;
}

/** What the router needs to know of the deployment; parsed once by the app. */
export interface RouterConfig {
  publicUrl: string;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  refreshReuseGrace: number;
  passwordResetTtl: number;
  loginMaxFailures: number;
  loginWindow: number;
  corsOrigins: readonly string[];
  cookieSecure: boolean;
}

export interface RouterDeps {
  db: Kysely<Database>;
  config: RouterConfig;
  clock: Clock;
  tokens: TokenService;
  passwords: PasswordHasher;
  logger: Logger;
  /** Callers already checked, cleared by the database's auth notifications. */
  principals: PrincipalCache;
  /** Where file bytes live (STORAGE_DRIVER). */
  storage: Storage;
  /** Tells the mail sender that a commit queued mail. */
  mail: { wake(): void };
  /** The served OpenAPI document, built at the edge where every route is known. */
  openApiDocument: () => unknown;
}

export interface CookieOptions {
  httpOnly: true;
  path: string;
  maxAge: number;
  sameSite: 'lax';
  secure: boolean;
}

/** The request as the router sees it; the app fills it from Express, tests may fake nothing. */
export interface RequestInfo {
  transport: 'rpc' | 'rest' | 'internal';
  ip: string;
  /** Whether the request reached us over https (directly or through a trusted proxy). */
  secure: boolean;
  /** The origin of the request's Origin header, else of its Referer; null when neither. */
  origin: string | null;
  /** This server's own origin as the request addressed it (scheme + Host). */
  ownOrigin: string | null;
  userAgent: string | null;
  authorization: string | null;
  cookies: Readonly<Record<string, string | undefined>>;
  setCookie(name: string, value: string, options: CookieOptions): void;
  setHeader(name: string, value: string): void;
}

export interface Context {
  deps: RouterDeps;
  req: RequestInfo;
}

export const ACCESS_COOKIE = 'ms_access';
export const REFRESH_COOKIE = 'ms_refresh';
