import type { Context } from '../context.js';
import { unauthorized } from '../errors.js';
import type { Principal } from '../auth/principal.js';
import { findKeyPrincipal, touchLastUsed } from './queries.js';
import { parseApiKey, secretMatches } from './secret.js';

type KeyRow = NonNullable<Awaited<ReturnType<typeof findKeyPrincipal>>>;

/** lastUsedAt is written at most once a minute per key, not on every request. */
const LAST_USED_PRECISION_MS = 60_000;

/**
 * The principal behind `Authorization: Bearer msk_…`: its user or service
 * account, narrowed to the key's entitlements. Deleted, expired, suspended or
 * disabled: 401, checked in the database on every request, so at once on every process.
 */
export async function authenticateApiKey(ctx: Context, key: string): Promise<Principal> {
  const invalid = () => unauthorized('Invalid, expired or disabled API key');
  const parsed = parseApiKey(key);
  if (!parsed) throw invalid();
  const { db, clock, logger, principals } = ctx.deps;
  const cacheKey = `key:${parsed.prefix}`;
  let row = principals.get<KeyRow>(cacheKey);
  if (!row) {
    const generation = principals.snapshot();
    row = await findKeyPrincipal(db, parsed.prefix);
    if (row) principals.set(cacheKey, row, generation);
  }
  if (!row || !secretMatches(parsed.secret, row.secret_hash)) throw invalid();
  const now = clock.now();
  if (row.expires_at && row.expires_at <= now) throw invalid();
  if (row.user_id ? row.status !== 'active' : row.disabled !== false) throw invalid();

  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() >= LAST_USED_PRECISION_MS) {
    row.last_used_at = now; // also in the cached row: one write a minute per process
    touchLastUsed(db, row.id, now).catch((error: unknown) => logger.warn({ err: error, apiKeyId: row.id }, 'could not record lastUsedAt'));
  }
  const roleGrants = row.role_entitlements ?? [];
  return {
    type: row.user_id ? 'user' : 'serviceAccount',
    id: (row.user_id ?? row.service_account_id)!,
    sessionId: null,
    apiKeyId: row.id,
    grantSets: row.entitlements ? [roleGrants, row.entitlements] : [roleGrants],
    via: 'apiKey',
  };
}
