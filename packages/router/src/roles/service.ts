import type { Context } from '../context.js';
import { decodeCursor, DEFAULT_LIMIT, toPage } from '../common/pagination.js';
import { listRoles as listRoleRows } from './queries.js';

export async function listRoles(ctx: Context, input: { limit?: number; cursor?: string }) {
  const limit = input.limit ?? DEFAULT_LIMIT;
  const rows = await listRoleRows(ctx.deps.db, { after: decodeCursor(input.cursor), limit });
  return toPage(rows, limit, (r) => ({ id: r.id, name: r.name, description: r.description, entitlements: r.entitlements, builtIn: r.built_in }));
}
