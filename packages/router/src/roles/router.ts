import { authedProcedure, router } from '../trpc.js';
import { listMeta, listRolesInput, rolePage } from './schemas.js';
import { listRoles } from './service.js';

export const rolesRouter = router({
  list: authedProcedure
    .meta(listMeta)
    .input(listRolesInput)
    .output(rolePage)
    .query(({ ctx, input }) => listRoles(ctx, input)),
});
