import { z } from 'zod';
import type { Meta } from '../trpc.js';
import { isoDate, uuid, text } from '../common/fields.js';
import { pageOf, pageParams } from '../common/pagination.js';

export const projectName = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'Must be a DNS label: 1 to 63 of a-z, 0-9 and "-", not starting or ending with "-"')
  .meta({ example: 'marketing-site' });

const description = text().max(2000);

/** The `{project}` path key: a name. Any string is looked up; one that is no name is simply not found. */
const projectKey = z.string().min(1).max(255).meta({ description: 'Project name' });
/** Names the target of a scoped entitlement; strips other keys, which the procedure's strict input checks. */
export const projectScope = z.object({ project: projectKey });
export const projectRef = z.strictObject({ project: projectKey });

export const projectOutput = z
  .object({ id: uuid(), name: z.string(), description: z.string(), createdAt: isoDate(), updatedAt: isoDate() })
  .meta({ id: 'Project' });

export type Project = z.output<typeof projectOutput>;

export const listProjectsInput = z.strictObject({
  ...pageParams,
  search: z.string().max(200).optional().meta({ description: 'Matches name and description, case-insensitively' }),
});
export const projectPage = pageOf(projectOutput).meta({ id: 'ProjectPage' });

export const createProjectInput = z.strictObject({ name: projectName, description: description.optional() });
export const updateProjectInput = z.strictObject({ project: projectKey, name: projectName.optional(), description: description.optional() });

const tags = ['projects'];
const path = '/system/projects';

export const listMeta: Meta = { openapi: { method: 'GET', path, tags, summary: 'List projects', protect: true } };
export const getMeta: Meta = { openapi: { method: 'GET', path: `${path}/{project}`, tags, summary: 'Read a project by name', protect: true } };
export const createMeta: Meta = { openapi: { method: 'POST', path, tags, summary: 'Create a project', protect: true }, successStatus: 201, keepsCallers: true };
export const updateMeta: Meta = { openapi: { method: 'PATCH', path: `${path}/{project}`, tags, summary: 'Update a project', protect: true }, keepsCallers: true };
export const deleteMeta: Meta = { openapi: { method: 'DELETE', path: `${path}/{project}`, tags, summary: 'Delete a project', protect: true }, successStatus: 204, keepsCallers: true };
