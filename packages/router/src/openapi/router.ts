import { z } from 'zod';
import { entitled, router } from '../trpc.js';

export const openapiRouter = router({
  get: entitled('systemOpenApiSchema:read')
    .meta({ openapi: { method: 'GET', path: '/system/openapi', tags: ['openapi'], summary: 'This OpenAPI document', protect: true } })
    .input(z.void())
    .output(z.looseObject({ openapi: z.string() }))
    .query(({ ctx }) => ctx.deps.openApiDocument() as { openapi: string }),
});
