import { z } from 'zod';
import { authedProcedure, router } from '../trpc.js';
import * as s from './schemas.js';
import * as users from './service.js';

// `me` comes before `{user_id}`: the REST adapter tries paths in this order.
export const usersRouter = router({
  me: authedProcedure.meta(s.meMeta).input(z.void()).output(s.userOutput).query(({ ctx }) => users.getMe(ctx)),
  updateMe: authedProcedure.meta(s.updateMeMeta).input(s.updateMeInput).output(s.userOutput).mutation(({ ctx, input }) => users.updateMe(ctx, input)),
  list: authedProcedure.meta(s.listMeta).input(s.listUsersInput).output(s.userPage).query(({ ctx, input }) => users.listUsers(ctx, input)),
  get: authedProcedure.meta(s.getMeta).input(s.userRef).output(s.userOutput).query(({ ctx, input }) => users.getUser(ctx, input.user_id)),
  update: authedProcedure
    .meta({ ...s.updateMeta, entitlement: 'user:update:{id}' })
    .input(s.updateUserInput)
    .output(s.userOutput)
    .mutation(({ ctx, input: { user_id, ...changes } }) => users.updateUser(ctx, user_id, changes)),
  assignRole: authedProcedure
    .meta({ ...s.assignRoleMeta, entitlement: 'orgRole:assign:{id}' })
    .input(s.assignRoleInput)
    .output(s.userOutput)
    .mutation(({ ctx, input }) => users.assignRole(ctx, input.user_id, input.roleId)),
});
