import { z } from 'zod';
import { authedProcedure, router } from '../trpc.js';
import { meMeta, userOutput } from './schemas.js';
import * as users from './service.js';

export const usersRouter = router({
  me: authedProcedure
    .meta(meMeta)
    .input(z.void())
    .output(userOutput)
    .query(({ ctx }) => users.getMe(ctx)),
});
