import { z } from 'zod';
import type { Meta } from '../trpc.js';
import { email, isoDate, uuid, line } from '../common/fields.js';
import { pageOf, pageParams } from '../common/pagination.js';

export const roleRef = z.object({ id: uuid(), name: z.string() }).meta({ id: 'RoleRef' });

export const userOutput = z
  .object({
    id: uuid(),
    email: z.string(),
    name: z.string(),
    status: z.enum(['active', 'suspended']),
    role: roleRef.nullable(),
    createdAt: isoDate(),
    updatedAt: isoDate(),
    lastLoginAt: isoDate().nullable(),
  })
  .meta({ id: 'User' });

export type User = z.output<typeof userOutput>;

const name = line().max(200);
const status = z.enum(['active', 'suspended']);

export const listUsersInput = z.strictObject({
  ...pageParams,
  search: z.string().max(200).optional().meta({ description: 'Matches email and name, case-insensitively' }),
  status: status.optional(),
  roleId: uuid().optional(),
});
export const userPage = pageOf(userOutput).meta({ id: 'UserPage' });
export const userRef = z.strictObject({ user_id: uuid() });
export const updateMeInput = z.strictObject({ name: name.optional() });
export const updateUserInput = z.strictObject({ user_id: uuid(), name: name.optional(), email: email().optional(), status: status.optional() });
export const assignRoleInput = z.strictObject({ user_id: uuid(), roleId: uuid() });

const tags = ['users'];
const path = '/system/users';
export const meMeta: Meta = { openapi: { method: 'GET', path: `${path}/me`, tags, summary: 'The current user' } };
export const updateMeMeta: Meta = { openapi: { method: 'PATCH', path: `${path}/me`, tags, summary: 'Update your own profile' } };
export const listMeta: Meta = { openapi: { method: 'GET', path, tags, summary: 'List users' } };
export const getMeta: Meta = { openapi: { method: 'GET', path: `${path}/{user_id}`, tags, summary: 'Read a user' } };
export const updateMeta: Meta = {
  openapi: { method: 'PATCH', path: `${path}/{user_id}`, tags, summary: 'Update a user', description: 'Needs user:update:{id} unless it is yourself (then `name` only). Suspending ends the sessions and stops the API keys of the user.' },
};
export const assignRoleMeta: Meta = { openapi: { method: 'POST', path: `${path}/{user_id}/role`, tags: ['roles'], summary: 'Give a user an org role', description: 'Needs orgRole:assign:{roleId}.' } };
