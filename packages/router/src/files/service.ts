import type { Context } from '../context.js';
import { notFound } from '../errors.js';
import { assertEntitled, narrowingAllows, type AuthedContext } from '../auth/principal.js';
import { decodeCursor, DEFAULT_LIMIT, toPage } from '../common/pagination.js';
import { fillTemplate } from '../entitlements.js';
import * as q from './queries.js';
import type { FileInfo } from './schemas.js';

export function toFile(row: q.FileRecord): FileInfo {
  return {
    id: row.id,
    filename: row.filename,
    title: row.title,
    mimeType: row.mime_type,
    size: Number(row.size),
    checksum: row.checksum,
    createdAt: row.created_at.toISOString(),
    uploadedBy: row.uploaded_by_type && row.uploaded_by_id ? { type: row.uploaded_by_type, id: row.uploaded_by_id } : null,
  };
}

export async function list(ctx: Context, input: { limit?: number; cursor?: string }) {
  const limit = input.limit ?? DEFAULT_LIMIT;
  return toPage(await q.listFiles(ctx.deps.db, { after: decodeCursor(input.cursor), limit }), limit, toFile);
}

export async function get(ctx: Context, id: string): Promise<FileInfo> {
  const row = await q.findFile(ctx.deps.db, id);
  if (!row) throw notFound('File');
  return toFile(row);
}

/** The uploader may delete; anyone else needs file:delete:{id}. The row goes first, then the bytes. */
export async function remove(ctx: AuthedContext, id: string): Promise<void> {
  const row = await q.findFile(ctx.deps.db, id);
  if (!row) throw notFound('File');
  const entitlement = fillTemplate('file:delete:{id}', id);
  const isUploader = row.uploaded_by_id === ctx.principal.id && row.uploaded_by_type === ctx.principal.type;
  if (!isUploader || !narrowingAllows(ctx.principal, entitlement)) assertEntitled(ctx.principal, entitlement);
  await q.deleteFile(ctx.deps.db, id);
  await ctx.deps.storage.remove(id);
}

/** The id (and storage key) of a file about to be uploaded. */
export const newUploadId = (ctx: Context) => q.newFileId(ctx.deps.db);

/** Records a stored upload: the row appears only once all its bytes are in storage. */
export async function recordUpload(
  ctx: AuthedContext,
  upload: { id: string; filename: string; title: string; mimeType: string; size: number; sha256: string },
): Promise<FileInfo> {
  const row = await q.insertFile(ctx.deps.db, {
    ...upload,
    checksum: `sha256:${upload.sha256}`,
    uploadedBy: { type: ctx.principal.type, id: ctx.principal.id },
    now: ctx.deps.clock.now(),
  });
  return toFile(row);
}

