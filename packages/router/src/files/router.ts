import { z } from 'zod';
import { authedProcedure, router } from '../trpc.js';
import * as s from './schemas.js';
import * as files from './service.js';

export const filesRouter = router({
  list: authedProcedure.meta(s.listMeta).input(s.listInput).output(s.page).query(({ ctx, input }) => files.list(ctx, input)),
  get: authedProcedure.meta(s.getMeta).input(s.fileRef).output(s.fileOutput).query(({ ctx, input }) => files.get(ctx, input.file_id)),
});

/** Upload and download are Express routes (bytes); deleting is a procedure like any other. */
export const assetsRouter = router({
  delete: authedProcedure.meta(s.deleteMeta).input(s.fileRef).output(z.void()).mutation(({ ctx, input }) => files.remove(ctx, input.file_id)),
});
