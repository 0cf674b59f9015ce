import { z } from 'zod';
import type { Meta } from '../trpc.js';
import { isoDate, uuid } from '../common/fields.js';
import { pageOf, pageParams } from '../common/pagination.js';

export const fileOutput = z
  .object({
    id: uuid(),
    filename: z.string(),
    title: z.string(),
    mimeType: z.string(),
    size: z.int(),
    checksum: z.string().meta({ description: '`sha256:<hex>` of the bytes' }),
    createdAt: isoDate(),
    uploadedBy: z.object({ type: z.enum(['user', 'serviceAccount']), id: uuid() }).nullable(),
  })
  .meta({ id: 'File' });
export type FileInfo = z.output<typeof fileOutput>;

export const listInput = z.strictObject({ ...pageParams });
export const page = pageOf(fileOutput).meta({ id: 'FilePage' });
export const fileRef = z.strictObject({ file_id: uuid() });

export const listMeta: Meta = { openapi: { method: 'GET', path: '/system/files', tags: ['files'], summary: 'List files' } };
export const getMeta: Meta = { openapi: { method: 'GET', path: '/system/files/{file_id}', tags: ['files'], summary: 'Read the metadata of a file' } };
export const deleteMeta: Meta = {
  openapi: { method: 'DELETE', path: '/system/assets/{file_id}', tags: ['files'], summary: 'Delete a file: its bytes and its record', description: 'The uploader, or a holder of file:delete:{id}.' },
  successStatus: 204,
  entitlement: 'file:delete:{id}',
};
