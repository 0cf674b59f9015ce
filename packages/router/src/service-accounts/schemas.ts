import { z } from 'zod';
import type { Meta } from '../trpc.js';
import { bool, isoDate, uuid, line, text } from '../common/fields.js';
import { pageOf, pageParams } from '../common/pagination.js';
import { roleRef } from '../users/schemas.js';

const name = line().min(1).max(200);
const description = text().max(2000);

export const serviceAccountOutput = z
  .object({ id: uuid(), name: z.string(), description: z.string(), role: roleRef.nullable(), disabled: z.boolean(), createdAt: isoDate(), updatedAt: isoDate() })
  .meta({ id: 'ServiceAccount' });
export type ServiceAccount = z.output<typeof serviceAccountOutput>;

export const serviceAccountRef = z.strictObject({ id: uuid() });
export const listInput = z.strictObject({ ...pageParams });
export const page = pageOf(serviceAccountOutput).meta({ id: 'ServiceAccountPage' });
export const createInput = z.strictObject({ name, description: description.optional(), roleId: uuid().optional() });
export const updateInput = z.strictObject({ id: uuid(), name: name.optional(), description: description.optional(), roleId: uuid().nullable().optional(), disabled: bool().optional() });

const tags = ['service-accounts'];
const path = '/system/service-accounts';
export const listMeta: Meta = { openapi: { method: 'GET', path, tags, summary: 'List service accounts' } };
export const getMeta: Meta = { openapi: { method: 'GET', path: `${path}/{id}`, tags, summary: 'Read a service account' } };
export const createMeta: Meta = { openapi: { method: 'POST', path, tags, summary: 'Create a service account' }, successStatus: 201, keepsCallers: true };
export const updateMeta: Meta = { openapi: { method: 'PATCH', path: `${path}/{id}`, tags, summary: 'Update or disable a service account', description: 'Disabling stops its API keys at once.' } };
export const deleteMeta: Meta = { openapi: { method: 'DELETE', path: `${path}/{id}`, tags, summary: 'Delete a service account and its API keys' }, successStatus: 204 };
