import type { AuthedContext } from '../auth/principal.js';
import { holdsAll } from '../auth/principal.js';
import { forbidden, notFound } from '../errors.js';
import { decodeCursor, DEFAULT_LIMIT, toPage } from '../common/pagination.js';
import { assertCanAssignRole } from '../roles/service.js';
import * as q from './queries.js';
import type { ServiceAccount } from './schemas.js';

export function toServiceAccount(row: q.ServiceAccountRecord): ServiceAccount {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    role: row.role_id && row.role_name ? { id: row.role_id, name: row.role_name } : null,
    disabled: row.disabled,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

async function load(ctx: AuthedContext, id: string): Promise<q.ServiceAccountRecord> {
  const row = await q.findServiceAccount(ctx.deps.db, id);
  if (!row) throw notFound('Service account');
  return row;
}

/** No escalation: nobody acts on a service account whose role holds more than they do. */
export async function loadActable(ctx: AuthedContext, id: string): Promise<q.ServiceAccountRecord> {
  const row = await load(ctx, id);
  if (!holdsAll(ctx.principal, row.role_entitlements ?? [])) {
    throw forbidden('The service account holds entitlements you lack');
  }
  return row;
}

export async function list(ctx: AuthedContext, input: { limit?: number; cursor?: string }) {
  const limit = input.limit ?? DEFAULT_LIMIT;
  return toPage(await q.listServiceAccounts(ctx.deps.db, { after: decodeCursor(input.cursor), limit }), limit, toServiceAccount);
}

export async function get(ctx: AuthedContext, id: string) {
  return toServiceAccount(await load(ctx, id));
}

export async function create(ctx: AuthedContext, input: { name: string; description?: string; roleId?: string }) {
  if (input.roleId) await assertCanAssignRole(ctx, input.roleId, 'roleId');
  const { id } = await q.insertServiceAccount(ctx.deps.db, { name: input.name, description: input.description ?? '', roleId: input.roleId ?? null, now: ctx.deps.clock.now() });
  return get(ctx, id);
}

export async function update(ctx: AuthedContext, id: string, changes: { name?: string; description?: string; roleId?: string | null; disabled?: boolean }) {
  const current = await loadActable(ctx, id);
  if (changes.roleId && changes.roleId !== current.role_id) await assertCanAssignRole(ctx, changes.roleId, 'roleId');
  await q.updateServiceAccount(ctx.deps.db, id, { ...changes, now: ctx.deps.clock.now() });
  return get(ctx, id);
}

export async function remove(ctx: AuthedContext, id: string) {
  await loadActable(ctx, id);
  await q.deleteServiceAccount(ctx.deps.db, id);
}
