import { authedProcedure, entitled, router } from '../trpc.js';
import { z } from 'zod';
import * as s from './schemas.js';
import * as settings from './service.js';

export const settingsRouter = router({
  get: authedProcedure.meta(s.getMeta).input(z.void()).output(s.settingsOutput).query(({ ctx }) => settings.getSettings(ctx)),
  update: entitled('orgSettings:edit').meta(s.updateMeta).input(s.updateInput).output(s.settingsOutput).mutation(({ ctx, input }) => settings.updateSettings(ctx, input)),
});
