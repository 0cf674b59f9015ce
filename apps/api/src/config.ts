import { z } from 'zod';

/** `900`, `900s`, `15m`, `2h`, `7d` → seconds. */
const duration = (fallback: string) =>
  z
    .string()
    .trim()
    .default(fallback)
    .transform((value, ctx) => {
      const match = /^(\d+)\s*(s|m|h|d)?$/.exec(value);
      const seconds = match ? Number(match[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[(match[2] ?? 's') as 's'] : NaN;
      if (!Number.isSafeInteger(seconds) || seconds < 1 || seconds > 31_536_000) {
        ctx.addIssue({ code: 'custom', message: 'must be a duration from 1s to 365d, like 900, 15m, 2h or 7d' });
        return z.NEVER;
      }
      return seconds;
    });

const integer = (fallback: number, min: number, max: number) =>
  z
    .string()
    .trim()
    .default(String(fallback))
    .pipe(z.string().regex(/^\d+$/, 'must be a whole number'))
    .transform(Number)
    .pipe(z.number().min(min).max(max));

const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

const origin = z
  .string()
  .trim()
  .transform((value, ctx) => {
    try {
      const url = new URL(value);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
      return url.origin;
    } catch {
      ctx.addIssue({ code: 'custom', message: `"${value}" is not an http(s) origin` });
      return z.NEVER;
    }
  });

const optional = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v === '' ? undefined : v));

const schema = z.object({
  PORT: integer(8080, 0, 65535),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  DATABASE_URL: optional.pipe(z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional()),
  DATA_DIR: z.string().trim().min(1).default('./.data'),
  PUBLIC_URL: optional.pipe(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional()),
  AUTH_SECRET: optional.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  ACCESS_TOKEN_TTL: duration('15m'),
  REFRESH_TOKEN_TTL: duration('7d'),
  REFRESH_REUSE_GRACE: integer(10, 0, 3600),
  SMTP_URL: optional.pipe(z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional()),
  MAIL_FROM: z.string().trim().default('Monospace <no-reply@localhost>'),
  PASSWORD_RESET_TTL: duration('1h'),
  LOGIN_MAX_FAILURES: integer(10, 1, 10_000),
  LOGIN_WINDOW: duration('15m'),
  STORAGE_DRIVER: z.enum(['local', 'database']).default('local'),
  MAX_UPLOAD_BYTES: integer(100 * 1024 * 1024, 1, Number.MAX_SAFE_INTEGER),
  REQUEST_TIMEOUT: duration('1h'),
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(origin)),
  COOKIE_SECURE: flag(false),
  TRUST_PROXY: z
    .string()
    .trim()
    .default('false')
    .transform((v): boolean | number | string => (v === 'true' ? true : v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v)),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ADMIN_EMAIL: z.string().trim().toLowerCase().pipe(z.email({ message: 'must be an email address' })).default('admin@example.com'),
  COUNT_QUERIES: flag(false),
  ADMIN_PASSWORD: optional.pipe(z.string().min(8, 'must be at least 8 characters').max(256).optional()),
});

export type Env = z.input<typeof schema>;

export interface Config {
  port: number;
  host: string;
  databaseUrl?: string;
  dataDir: string;
  publicUrl: string;
  authSecret?: string;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  refreshReuseGrace: number;
  smtpUrl?: string;
  mailFrom: string;
  passwordResetTtl: number;
  loginMaxFailures: number;
  loginWindow: number;
  storageDriver: 'local' | 'database';
  maxUploadBytes: number;
  /** Seconds a request may take to arrive in full: a large upload on a slow link (Node's own default is 5 minutes). */
  requestTimeout: number;
  corsOrigins: readonly string[];
  cookieSecure: boolean;
  trustProxy: boolean | number | string;
  logLevel: string;
  adminEmail: string;
  adminPassword?: string;
  /** Benchmark only: count database queries and serve the count at GET /debug/queries. */
  countQueries: boolean;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment once, at start; a bad value names its variable. */
export function loadConfig(env: Record<string, string | undefined>): Readonly<Config> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${String(i.path[0])}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = result.data;
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    authSecret: e.AUTH_SECRET,
    accessTokenTtl: e.ACCESS_TOKEN_TTL,
    refreshTokenTtl: e.REFRESH_TOKEN_TTL,
    refreshReuseGrace: e.REFRESH_REUSE_GRACE,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    passwordResetTtl: e.PASSWORD_RESET_TTL,
    loginMaxFailures: e.LOGIN_MAX_FAILURES,
    loginWindow: e.LOGIN_WINDOW,
    storageDriver: e.STORAGE_DRIVER,
    maxUploadBytes: e.MAX_UPLOAD_BYTES,
    requestTimeout: e.REQUEST_TIMEOUT,
    corsOrigins: Object.freeze(e.CORS_ORIGINS),
    cookieSecure: e.COOKIE_SECURE,
    trustProxy: e.TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    adminEmail: e.ADMIN_EMAIL,
    adminPassword: e.ADMIN_PASSWORD,
    countQueries: e.COUNT_QUERIES,
  });
}
