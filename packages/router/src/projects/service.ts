import type { Context } from '../context.js';
import { conflict, notFound } from '../errors.js';
import { isUniqueViolation } from '../common/db-errors.js';
import { decodeCursor, DEFAULT_LIMIT, toPage } from '../common/pagination.js';
import type { ProjectRow } from '@monospace/db';
import * as q from './queries.js';
import type { Project } from './schemas.js';

function toProject(row: Pick<ProjectRow, 'id' | 'name' | 'description' | 'created_at' | 'updated_at'>): Project {
  return { id: row.id, name: row.name, description: row.description, createdAt: row.created_at.toISOString(), updatedAt: row.updated_at.toISOString() };
}

const nameTaken = (name: string) => conflict(`A project named "${name}" already exists`);

/** The id of the project named `name`: what scoped project entitlements are checked against. */
export async function projectIdByName(ctx: Context, name: string): Promise<string> {
  const row = await q.findProjectIdByName(ctx.deps.db, name);
  if (!row) throw notFound('Project');
  return row.id;
}

export async function listProjects(ctx: Context, input: { limit?: number; cursor?: string; search?: string }) {
  const limit = input.limit ?? DEFAULT_LIMIT;
  const rows = await q.listProjects(ctx.deps.db, { after: decodeCursor(input.cursor), limit, search: input.search });
  return toPage(rows, limit, toProject);
}

export async function getProject(ctx: Context, name: string): Promise<Project> {
  const row = await q.findProjectByName(ctx.deps.db, name);
  if (!row) throw notFound('Project');
  return toProject(row);
}

export async function createProject(ctx: Context, input: { name: string; description?: string }): Promise<Project> {
  try {
    return toProject(await q.insertProject(ctx.deps.db, { name: input.name, description: input.description ?? '', now: ctx.deps.clock.now() }));
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(input.name);
    throw error;
  }
}

export async function updateProject(ctx: Context, current: string, changes: { name?: string; description?: string }): Promise<Project> {
  if (changes.name === undefined && changes.description === undefined) return getProject(ctx, current);
  try {
    const id = await projectIdByName(ctx, current);
    const row = await q.updateProject(ctx.deps.db, id, { ...changes, now: ctx.deps.clock.now() });
    if (!row) throw notFound('Project');
    return toProject(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(changes.name!);
    throw error;
  }
}

export async function deleteProject(ctx: Context, name: string): Promise<void> {
  const id = await projectIdByName(ctx, name);
  const result = await q.deleteProject(ctx.deps.db, id);
  if (result.numDeletedRows === 0n) throw notFound('Project');
}
