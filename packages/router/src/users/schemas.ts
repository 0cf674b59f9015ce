import { z } from 'zod';
import type { Meta } from '../trpc.js';
import { isoDate, uuid } from '../common/fields.js';

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

const tags = ['users'];

export const meMeta: Meta = {
  openapi: { method: 'GET', path: '/system/users/me', tags, summary: 'The current user', protect: true },
};
