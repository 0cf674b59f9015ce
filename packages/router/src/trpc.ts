import { initTRPC } from '@trpc/server';
import type { z } from 'zod';
import type { OpenApiMeta } from 'trpc-to-openapi';
import type { Context } from './context.js';
import { fillTemplate, type EntitlementTemplate } from './entitlements.js';
import { statusOf, toErrorBody } from './errors.js';
import { assertEntitled, authenticate } from './auth/principal.js';

export interface Meta extends OpenApiMeta {
  /** The entitlement the procedure needs (template form); set by `entitled()`. */
  entitlement?: EntitlementTemplate;
  /** Status of a successful REST answer when not 200 (201 created, 204 no content). */
  successStatus?: 201 | 202 | 204;
  /**
   * A mutation that cannot end or narrow anyone's access (it creates something,
   * or changes data no caller's rights depend on): the callers this process has
   * cached stay. Every other mutation drops them all when it succeeds.
   */
  keepsCallers?: true;
}

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    // RPC errors keep tRPC's envelope, with our code, message and issues in `data`:
    // never a stack, an internal message, SQL or a secret.
    errorFormatter({ shape, error }) {
      const body = toErrorBody(error);
      return {
        message: body.message,
        code: shape.code,
        data: { code: body.code, httpStatus: statusOf(body.code), path: shape.data.path, ...(body.issues ? { issues: body.issues } : {}) },
      };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * Other processes drop their cached callers when the database notifies them;
 * this process drops its own as soon as a change commits, so a revocation made
 * here holds from the very next request, whatever the notification's timing.
 */
const base = t.procedure.use(async ({ ctx, type, meta, next }) => {
  const result = await next();
  // Failed ones too: a refused mutation may have changed something before it failed.
  if (type === 'mutation' && !meta?.keepsCallers) ctx.deps.principals.clear();
  return result;
});

export const publicProcedure = base;

export const authedProcedure = base.use(async ({ ctx, type, next }) => {
  const principal = await authenticate(ctx, type);
  return next({ ctx: { principal } });
});

/**
 * A procedure that needs `template`. A scoped key (`…:{id}`) names its target
 * through `scope`: the input that identifies it, and how to get its id from
 * that input (which may read the database, and throws the 404 when the target is missing).
 */
export function entitled(template: EntitlementTemplate): typeof authedProcedure;
export function entitled<TInput extends z.ZodType>(
  template: EntitlementTemplate,
  scope: { input: TInput; resolveId: (input: z.output<TInput>, ctx: Context) => Promise<string> },
): ReturnType<typeof scopedProcedure<TInput>>;
export function entitled<TInput extends z.ZodType>(
  template: EntitlementTemplate,
  scope?: { input: TInput; resolveId: (input: z.output<TInput>, ctx: Context) => Promise<string> },
) {
  if (!scope) {
    return authedProcedure.meta({ entitlement: template }).use(({ ctx, next }) => {
      assertEntitled(ctx.principal, fillTemplate(template));
      return next();
    });
  }
  return scopedProcedure(template, scope);
}

function scopedProcedure<TInput extends z.ZodType>(
  template: EntitlementTemplate,
  scope: { input: TInput; resolveId: (input: z.output<TInput>, ctx: Context) => Promise<string> },
) {
  return authedProcedure
    .meta({ entitlement: template })
    .input(scope.input)
    .use(async ({ ctx, input, next }) => {
      assertEntitled(ctx.principal, fillTemplate(template, await scope.resolveId(input as z.output<TInput>, ctx)));
      return next();
    });
}
