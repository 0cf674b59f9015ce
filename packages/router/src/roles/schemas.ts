import { z } from 'zod';
import type { Meta } from '../trpc.js';
import { uuid } from '../common/fields.js';
import { pageOf, pageParams } from '../common/pagination.js';

export const roleOutput = z
  .object({
    id: uuid(),
    name: z.string(),
    description: z.string(),
    entitlements: z.array(z.string()).meta({ description: 'Grant patterns: keys, `prefix*` wildcards, and `!pattern` denials' }),
    builtIn: z.boolean(),
  })
  .meta({ id: 'Role' });

export const listRolesInput = z.strictObject({ ...pageParams });
export const rolePage = pageOf(roleOutput).meta({ id: 'RolePage' });

export const listMeta: Meta = { openapi: { method: 'GET', path: '/system/roles', tags: ['roles'], summary: 'List org roles', protect: true } };
