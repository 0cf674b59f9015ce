import { holdsAll, type AuthedContext } from '../auth/principal.js';
import { forbidden, notFound } from '../errors.js';
import { decodeCursor, DEFAULT_LIMIT, toPage } from '../common/pagination.js';
import { loadActable } from '../service-accounts/service.js';
import * as q from './queries.js';
import type { ApiKey } from './schemas.js';
import { generateApiKey } from './secret.js';

function toApiKey(row: q.KeyRecord): ApiKey {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    prefix: row.prefix,
    principal: row.user_id ? { type: 'user', id: row.user_id } : { type: 'serviceAccount', id: row.service_account_id! },
    entitlements: row.entitlements,
    expiresAt: row.expires_at?.toISOString() ?? null,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  };
}

async function load(ctx: AuthedContext, id: string) {
  const row = await q.findKey(ctx.deps.db, id);
  if (!row) throw notFound('API key');
  return row;
}

/** No escalation: nobody manages a key that can do more than they can. */
async function assertCanManage(ctx: AuthedContext, id: string): Promise<void> {
  const grants = await q.findKeyGrants(ctx.deps.db, id);
  if (!grants) throw notFound('API key');
  const within = (list: readonly string[] | null) => list !== null && holdsAll(ctx.principal, list);
  if (!within(grants.entitlements) && !within(grants.role_entitlements ?? [])) throw forbidden('The key can do things you cannot');
}

/** A key created through a narrowed key is narrowed the same way, unless it names narrower entitlements. */
function inheritedEntitlements(ctx: AuthedContext): string[] | undefined {
  const { principal } = ctx;
  return principal.apiKeyId && principal.grantSets.length > 1 ? [...principal.grantSets[principal.grantSets.length - 1]!] : undefined;
}

export async function list(ctx: AuthedContext, input: { limit?: number; cursor?: string }) {
  const limit = input.limit ?? DEFAULT_LIMIT;
  return toPage(await q.listKeys(ctx.deps.db, { after: decodeCursor(input.cursor), limit }), limit, toApiKey);
}

/**
 * A key acts as its creator, or as a service account the creator may act on;
 * its own entitlements can only narrow, never exceed, what the creator holds.
 */
export async function create(
  ctx: AuthedContext,
  input: { name: string; description?: string; ttlSeconds?: number; serviceAccountId?: string; entitlements?: string[] },
): Promise<ApiKey & { key: string }> {
  if (input.serviceAccountId) await loadActable(ctx, input.serviceAccountId);
  const entitlements = input.entitlements ?? inheritedEntitlements(ctx);
  if (entitlements && !holdsAll(ctx.principal, entitlements)) {
    throw forbidden("A key's entitlements must be a subset of its creator's");
  }
  const owner =
    input.serviceAccountId !== undefined
      ? { userId: null, serviceAccountId: input.serviceAccountId }
      : ctx.principal.type === 'user'
        ? { userId: ctx.principal.id, serviceAccountId: null }
        : { userId: null, serviceAccountId: ctx.principal.id };
  const now = ctx.deps.clock.now();
  const { key, prefix, secretHash } = generateApiKey();
  const { id } = await q.insertKey(ctx.deps.db, {
    name: input.name,
    description: input.description ?? '',
    prefix,
    secretHash,
    ...owner,
    entitlements: entitlements ?? null,
    expiresAt: input.ttlSeconds ? new Date(now.getTime() + input.ttlSeconds * 1000) : null,
    now,
  });
  return { ...toApiKey(await load(ctx, id)), key };
}

export async function update(ctx: AuthedContext, id: string, changes: { name?: string; description?: string }) {
  await assertCanManage(ctx, id);
  await q.updateKey(ctx.deps.db, id, { ...changes, now: ctx.deps.clock.now() });
  return toApiKey(await load(ctx, id));
}

export async function remove(ctx: AuthedContext, id: string) {
  await assertCanManage(ctx, id);
  const result = await q.deleteKey(ctx.deps.db, id);
  if (result.numDeletedRows === 0n) throw notFound('API key');
}
