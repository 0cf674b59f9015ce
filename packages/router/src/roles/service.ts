import type { Context } from '../context.js';
import { decodeCursor, DEFAULT_LIMIT, toPage } from '../common/pagination.js';
import { listRoles as listRoleRows, findRoleById } from './queries.js';
import { invalidInput } from '../errors.js';
import { fillTemplate } from '../entitlements.js';
import { assertEntitled, type AuthedContext } from '../auth/principal.js';

export async function listRoles(ctx: Context, input: { limit?: number; cursor?: string }) {
  const limit = input.limit ?? DEFAULT_LIMIT;
  const rows = await listRoleRows(ctx.deps.db, { after: decodeCursor(input.cursor), limit });
  return toPage(rows, limit, (r) => ({ id: r.id, name: r.name, description: r.description, entitlements: r.entitlements, builtIn: r.built_in }));
}

/**
 * The role a caller wants to give: it must exist (else a 400 on `field`) and the
 * caller needs `orgRole:assign:{id}` for it.
 */
export async function assertCanAssignRole(ctx: AuthedContext, roleId: string, field: string) {
  const role = await findRoleById(ctx.deps.db, roleId);
  if (!role) throw invalidInput([{ path: [field], message: 'No such role' }]);
  assertEntitled(ctx.principal, fillTemplate('orgRole:assign:{id}', role.id));
  return role;
}
