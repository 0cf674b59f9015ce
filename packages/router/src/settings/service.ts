import type { Context } from '../context.js';
import { invalidInput } from '../errors.js';
import * as q from './queries.js';
import type { Settings } from './schemas.js';

function toSettings(ctx: Context, row: q.SettingsRow): Settings {
  return {
    orgName: row.org_name,
    publicUrl: row.public_url ?? ctx.deps.config.publicUrl,
    allowedRedirectUrls: row.allowed_redirect_urls,
    inviteTtlSeconds: row.invite_ttl_seconds,
    passwordMinLength: row.password_min_length,
    updatedAt: row.updated_at.toISOString(),
  };
}

export async function getSettings(ctx: Context): Promise<Settings> {
  return toSettings(ctx, await q.readSettings(ctx.deps.db));
}

export async function updateSettings(ctx: Context, changes: Omit<Parameters<typeof q.updateSettings>[1], 'now'>): Promise<Settings> {
  const allowed = changes.allowedRedirectUrls?.map((u) => new URL(u).href);
  return toSettings(ctx, await q.updateSettings(ctx.deps.db, { ...changes, allowedRedirectUrls: allowed, now: ctx.deps.clock.now() }));
}

/**
 * A link target a client asked for (resetUrl, inviteUrl): it must start with
 * an allowed redirect URL or be on PUBLIC_URL's origin, so mails never point elsewhere.
 */
export async function linkBase(ctx: Context, requested: string | undefined, field: string, defaultPath: string): Promise<URL> {
  const { allowed_redirect_urls, public_url } = await q.readSettings(ctx.deps.db);
  const publicUrl = (public_url ?? ctx.deps.config.publicUrl).replace(/\/+$/, '');
  if (requested === undefined) return new URL(defaultPath, `${publicUrl}/`);
  const url = new URL(requested);
  const ok = url.origin === new URL(publicUrl).origin || allowed_redirect_urls.some((prefix) => url.href === prefix || url.href.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`) || url.href.startsWith(`${prefix}?`));
  if (!ok) throw invalidInput([{ path: [field], message: 'Must be on PUBLIC_URL\'s origin or start with one of settings.allowedRedirectUrls' }]);
  return url;
}

/** `base?token=…`, keeping what the base's query already holds. */
export function linkWithToken(base: URL, token: string): string {
  const link = new URL(base.href);
  link.searchParams.set('token', token);
  return link.href;
}
