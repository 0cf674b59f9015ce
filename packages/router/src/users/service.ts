import type { Transaction, Database } from '@monospace/db';
import type { Context } from '../context.js';
import { conflict, forbidden, invalidInput, notFound } from '../errors.js';
import { holdsAll, assertEntitled, type AuthedContext } from '../auth/principal.js';
import { deletePasswordResets, revokeUserSessions } from '../auth/queries.js';
import { isUniqueViolation } from '../common/db-errors.js';
import { decodeCursor, DEFAULT_LIMIT, toPage } from '../common/pagination.js';
import { fillTemplate } from '../entitlements.js';
import { assertCanAssignRole } from '../roles/service.js';
import * as q from './queries.js';
import type { User } from './schemas.js';

export function toUser(row: q.UserRecord): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    status: row.status,
    role: row.role_id && row.role_name ? { id: row.role_id, name: row.role_name } : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    lastLoginAt: row.last_login_at?.toISOString() ?? null,
  };
}

export async function getUser(ctx: Context, id: string): Promise<User> {
  const row = await q.findUserById(ctx.deps.db, id);
  if (!row) throw notFound('User');
  return toUser(row);
}

function assertUser(ctx: AuthedContext): void {
  if (ctx.principal.type !== 'user') throw forbidden('Only users have a profile; this key acts as a service account');
}

/** The caller's own profile; service accounts (acting through keys) have none. */
export function getMe(ctx: AuthedContext): Promise<User> {
  assertUser(ctx);
  return getUser(ctx, ctx.principal.id);
}

export async function listUsers(ctx: Context, input: { limit?: number; cursor?: string; search?: string; status?: 'active' | 'suspended'; roleId?: string }) {
  const limit = input.limit ?? DEFAULT_LIMIT;
  return toPage(await q.listUsers(ctx.deps.db, { ...input, after: decodeCursor(input.cursor), limit }), limit, toUser);
}

export async function updateMe(ctx: AuthedContext, changes: { name?: string }): Promise<User> {
  assertUser(ctx);
  await q.updateUser(ctx.deps.db, ctx.principal.id, { name: changes.name, now: ctx.deps.clock.now() });
  return getUser(ctx, ctx.principal.id);
}

type Target = NonNullable<Awaited<ReturnType<typeof q.lockUserForUpdate>>>;

/**
 * Locks the user for the change and applies the no-escalation rule (SPEC §2):
 * nobody acts on a user who holds an entitlement they lack.
 */
async function lockTarget(ctx: AuthedContext, trx: Transaction<Database>, id: string): Promise<Target> {
  await q.lockOwnership(trx);
  const target = await q.lockUserForUpdate(trx, id);
  if (!target) throw notFound('User');
  if (target.id !== ctx.principal.id && !holdsAll(ctx.principal, target.role_entitlements ?? [])) {
    throw forbidden('The user holds entitlements you lack');
  }
  return target;
}

/** The last active owner stays an active owner: the organization is never left without one. */
async function assertNotLastOwner(trx: Transaction<Database>, target: Target, message: string): Promise<void> {
  if (target.role_name === 'owner' && target.status === 'active' && (await q.countOtherActiveOwners(trx, target.id)) === 0) throw conflict(message);
}

async function inTransaction<T>(ctx: Context, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  try {
    return await ctx.deps.db.transaction().execute(work);
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict('That email belongs to another user');
    throw error;
  }
}

export async function updateUser(ctx: AuthedContext, id: string, changes: { name?: string; email?: string; status?: 'active' | 'suspended' }): Promise<User> {
  const self = id === ctx.principal.id && ctx.principal.type === 'user';
  if (self && (changes.email !== undefined || changes.status !== undefined)) {
    throw invalidInput(
      (['email', 'status'] as const).filter((f) => changes[f] !== undefined).map((f) => ({ path: [f], message: 'You can change only your own name' })),
    );
  }
  if (!self) assertEntitled(ctx.principal, fillTemplate('user:update:{id}', id));
  await inTransaction(ctx, async (trx) => {
    const target = await lockTarget(ctx, trx, id);
    const now = ctx.deps.clock.now();
    if (changes.status === 'suspended' && target.status !== 'suspended') {
      await assertNotLastOwner(trx, target, 'The last active owner cannot be suspended');
      await revokeUserSessions(trx, id, now);
    }
    await q.updateUser(trx, id, { ...changes, now });
    if (changes.email !== undefined) await deletePasswordResets(trx, id); // a link sent to the old address dies
  });
  return getUser(ctx, id);
}

export async function assignRole(ctx: AuthedContext, id: string, roleId: string): Promise<User> {
  const role = await assertCanAssignRole(ctx, roleId, 'roleId');
  await inTransaction(ctx, async (trx) => {
    const target = await lockTarget(ctx, trx, id);
    if (role.name !== 'owner') await assertNotLastOwner(trx, target, 'The last active owner cannot lose the owner role');
    await q.updateUser(trx, id, { roleId, now: ctx.deps.clock.now() });
  });
  return getUser(ctx, id);
}
