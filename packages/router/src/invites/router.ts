import { z } from 'zod';
import { authedProcedure, entitled, publicProcedure, router } from '../trpc.js';
import * as s from './schemas.js';
import * as invites from './service.js';

export const invitesRouter = router({
  list: authedProcedure.meta(s.listMeta).input(s.listInput).output(s.page).query(({ ctx, input }) => invites.list(ctx, input)),
  create: entitled('invite:create').meta(s.createMeta).input(s.createInput).output(s.createOutput).mutation(({ ctx, input }) => invites.create(ctx, input)),
  accept: publicProcedure.meta(s.acceptMeta).input(s.acceptInput).output(s.acceptOutput).mutation(({ ctx, input }) => invites.accept(ctx, input)),
  renew: entitled('invite:update').meta(s.renewMeta).input(s.renewInput).output(s.inviteOutput).mutation(({ ctx, input }) => invites.renew(ctx, input.invitation_id, input.ttlSeconds)),
  revoke: entitled('invite:delete').meta(s.revokeMeta).input(s.inviteRef).output(z.void()).mutation(({ ctx, input }) => invites.revoke(ctx, input.invitation_id)),
});
