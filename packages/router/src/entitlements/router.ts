import { z } from 'zod';
import { ENTITLEMENT_DESCRIPTORS, ENTITLEMENTS } from '../entitlements.js';
import { authedProcedure, router } from '../trpc.js';

const descriptor = z
  .object({
    key: z.enum(ENTITLEMENTS.map((e) => e.key) as [string, ...string[]]),
    description: z.string(),
    scoped: z.boolean().meta({ description: 'True when the key ends in `:{id}`, to be filled with a target id' }),
  })
  .meta({ id: 'EntitlementDescriptor' });

export const entitlementsRouter = router({
  list: authedProcedure
    .meta({ openapi: { method: 'GET', path: '/system/entitlements', tags: ['entitlements'], summary: 'The catalogue of org entitlements', protect: true } })
    .input(z.void())
    .output(z.object({ items: z.array(descriptor) }))
    .query(() => ({ items: [...ENTITLEMENT_DESCRIPTORS] })),
});
