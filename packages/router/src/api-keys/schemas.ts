import { z } from 'zod';
import type { Meta } from '../trpc.js';
import { int, isoDate, uuid, line, text } from '../common/fields.js';
import { pageOf, pageParams } from '../common/pagination.js';
import { isValidGrant } from '../entitlements.js';

const name = line().min(1).max(200);
const description = text().max(2000);
const grant = z.string().max(200).refine(isValidGrant, 'Not an entitlement pattern of the catalogue');

export const apiKeyOutput = z
  .object({
    id: uuid(),
    name: z.string(),
    description: z.string(),
    prefix: z.string().meta({ description: 'The public start of the key, to recognize it' }),
    principal: z.object({ type: z.enum(['user', 'serviceAccount']), id: uuid() }),
    entitlements: z.array(z.string()).nullable().meta({ description: 'When set, the key is narrowed to these' }),
    expiresAt: isoDate().nullable(),
    lastUsedAt: isoDate().nullable().meta({ description: 'Kept to within a minute' }),
    createdAt: isoDate(),
  })
  .meta({ id: 'ApiKey' });
export type ApiKey = z.output<typeof apiKeyOutput>;

export const createdApiKeyOutput = apiKeyOutput
  .extend({ key: z.string().meta({ description: 'The whole key: shown in this answer only' }) })
  .meta({ id: 'CreatedApiKey' });

export const keyRef = z.strictObject({ key_id: uuid() });
export const listInput = z.strictObject({ ...pageParams });
export const page = pageOf(apiKeyOutput).meta({ id: 'ApiKeyPage' });
export const createInput = z.strictObject({
  name,
  description: description.optional(),
  ttlSeconds: int(1, 31_536_000).optional().meta({ description: 'Lifetime in seconds (1 to one year); absent: no expiry' }),
  serviceAccountId: uuid().optional().meta({ description: 'Absent: the key acts as its creator' }),
  entitlements: z.array(grant).max(100).optional(),
});
export const updateInput = z.strictObject({ key_id: uuid(), name: name.optional(), description: description.optional() });

const tags = ['api-keys'];
const path = '/system/api-keys';
export const listMeta: Meta = { openapi: { method: 'GET', path, tags, summary: 'List API keys' } };
export const createMeta: Meta = { openapi: { method: 'POST', path, tags, summary: 'Create an API key', description: 'The whole key is in this answer only; only its hash is stored.' }, successStatus: 201, keepsCallers: true };
export const updateMeta: Meta = { openapi: { method: 'PATCH', path: `${path}/{key_id}`, tags, summary: 'Rename or describe an API key' } };
export const deleteMeta: Meta = { openapi: { method: 'DELETE', path: `${path}/{key_id}`, tags, summary: 'Delete an API key; it is refused from then on' }, successStatus: 204 };
