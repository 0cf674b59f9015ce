import type { Context } from '../context.js';
import { forbidden, notFound } from '../errors.js';
import type { AuthedContext } from '../auth/principal.js';
import { findUserById, type UserRecord } from './queries.js';
import type { User } from './schemas.js';

export function toUser(row: UserRecord): User {
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
  const row = await findUserById(ctx.deps.db, id);
  if (!row) throw notFound('User');
  return toUser(row);
}

/** The caller's own profile; service accounts (acting through keys) have none. */
export function getMe(ctx: AuthedContext): Promise<User> {
  if (ctx.principal.type !== 'user') throw forbidden('Only users have a profile; this key acts as a service account');
  return getUser(ctx, ctx.principal.id);
}
