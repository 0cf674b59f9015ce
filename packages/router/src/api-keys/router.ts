import { z } from 'zod';
import { entitled, router } from '../trpc.js';
import * as s from './schemas.js';
import * as keys from './service.js';

export const apiKeysRouter = router({
  list: entitled('apiKey:read').meta(s.listMeta).input(s.listInput).output(s.page).query(({ ctx, input }) => keys.list(ctx, input)),
  create: entitled('apiKey:create').meta(s.createMeta).input(s.createInput).output(s.createdApiKeyOutput).mutation(({ ctx, input }) => keys.create(ctx, input)),
  update: entitled('apiKey:update')
    .meta(s.updateMeta)
    .input(s.updateInput)
    .output(s.apiKeyOutput)
    .mutation(({ ctx, input: { key_id, ...changes } }) => keys.update(ctx, key_id, changes)),
  delete: entitled('apiKey:delete').meta(s.deleteMeta).input(s.keyRef).output(z.void()).mutation(({ ctx, input }) => keys.remove(ctx, input.key_id)),
});
