import { z } from 'zod';
import { entitled, router } from '../trpc.js';
import * as s from './schemas.js';
import * as accounts from './service.js';

export const serviceAccountsRouter = router({
  list: entitled('serviceAccount:read').meta(s.listMeta).input(s.listInput).output(s.page).query(({ ctx, input }) => accounts.list(ctx, input)),
  get: entitled('serviceAccount:read').meta(s.getMeta).input(s.serviceAccountRef).output(s.serviceAccountOutput).query(({ ctx, input }) => accounts.get(ctx, input.id)),
  create: entitled('serviceAccount:create').meta(s.createMeta).input(s.createInput).output(s.serviceAccountOutput).mutation(({ ctx, input }) => accounts.create(ctx, input)),
  update: entitled('serviceAccount:update')
    .meta(s.updateMeta)
    .input(s.updateInput)
    .output(s.serviceAccountOutput)
    .mutation(({ ctx, input: { id, ...changes } }) => accounts.update(ctx, id, changes)),
  delete: entitled('serviceAccount:delete').meta(s.deleteMeta).input(s.serviceAccountRef).output(z.void()).mutation(({ ctx, input }) => accounts.remove(ctx, input.id)),
});
