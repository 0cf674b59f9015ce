import { z } from 'zod';
import { ACCESS_COOKIE, REFRESH_COOKIE, type Context } from '../context.js';
import { unauthorized } from '../errors.js';
import { authedProcedure, publicProcedure, router } from '../trpc.js';
import * as passwords from './passwords-service.js';
import { clearSessionCookies, setSessionCookies } from './cookies.js';
import { assertTrustedOrigin, parseBearer } from './principal.js';
import * as s from './schemas.js';
import { loginInput, loginMeta, logoutInput, logoutMeta, refreshInput, refreshMeta, tokensOutput } from './schemas.js';
import * as auth from './service.js';

type Mode = 'json' | 'session';

function respond(ctx: Context, tokens: auth.IssuedTokens, mode: Mode): z.output<typeof tokensOutput> {
  if (mode === 'session') {
    setSessionCookies(ctx, tokens);
    return { accessToken: tokens.accessToken, expiresIn: tokens.expiresIn, tokenType: 'Bearer' };
  }
  return { ...tokens, tokenType: 'Bearer' };
}

/** The refresh token from the body, else from the cookie (which must then pass the origin check). */
function presentedRefreshToken(ctx: Context, fromBody: string | undefined): { token: string | undefined; fromCookie: boolean } {
  if (fromBody) return { token: fromBody, fromCookie: false };
  const cookie = ctx.req.cookies[REFRESH_COOKIE];
  if (cookie) assertTrustedOrigin(ctx);
  return { token: cookie, fromCookie: Boolean(cookie) };
}

function refuseApiKey(ctx: Context): void {
  if (parseBearer(ctx.req.authorization)?.startsWith('msk_')) throw unauthorized('API keys cannot manage sessions');
}

export const authRouter = router({
  login: publicProcedure
    .meta(loginMeta)
    .input(loginInput)
    .output(tokensOutput)
    .mutation(async ({ ctx, input }) => respond(ctx, await auth.login(ctx, input.email, input.password), input.mode ?? 'json')),

  refresh: publicProcedure
    .meta(refreshMeta)
    .input(refreshInput)
    .output(tokensOutput)
    .mutation(async ({ ctx, input }) => {
      refuseApiKey(ctx);
      const { token, fromCookie } = presentedRefreshToken(ctx, input?.refreshToken);
      if (!token) throw unauthorized('No refresh token: send refreshToken or the ms_refresh cookie');
      return respond(ctx, await auth.refresh(ctx, token), input?.mode ?? (fromCookie ? 'session' : 'json'));
    }),

  logout: publicProcedure
    .meta(logoutMeta)
    .input(logoutInput)
    .output(z.void())
    .mutation(async ({ ctx, input }) => {
      refuseApiKey(ctx);
      const { token } = presentedRefreshToken(ctx, input?.refreshToken);
      // Idempotent: a malformed Authorization header is simply no credential here.
      let access = parseBearer(ctx.req.authorization);
      if (!access && !token && ctx.req.cookies[ACCESS_COOKIE]) {
        assertTrustedOrigin(ctx);
        access = ctx.req.cookies[ACCESS_COOKIE];
      }
      await auth.logout(ctx, { refresh: token, access });
      clearSessionCookies(ctx);
    }),

  changePassword: authedProcedure
    .meta(s.changePasswordMeta)
    .input(s.changePasswordInput)
    .output(z.void())
    .mutation(({ ctx, input }) => passwords.changePassword(ctx, input.currentPassword, input.newPassword)),

  requestPasswordReset: publicProcedure
    .meta(s.resetRequestMeta)
    .input(s.resetRequestInput)
    .output(s.resetRequestOutput)
    .mutation(async ({ ctx, input }) => {
      await passwords.requestPasswordReset(ctx, input.email, input.resetUrl);
      return { message: 'If an account exists for this email, a reset link is on its way' };
    }),

  verifyPasswordReset: publicProcedure
    .meta(s.resetVerifyMeta)
    .input(s.resetVerifyInput)
    .output(s.resetVerifyOutput)
    .query(({ ctx, input }) => passwords.verifyPasswordReset(ctx, input.token)),

  confirmPasswordReset: publicProcedure
    .meta(s.resetConfirmMeta)
    .input(s.resetConfirmInput)
    .output(z.void())
    .mutation(({ ctx, input }) => passwords.confirmPasswordReset(ctx, input.token, input.password)),
});
