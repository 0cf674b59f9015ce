import { z } from 'zod';
import type { Meta } from '../trpc.js';
import { email } from '../common/fields.js';

const mode = z.enum(['json', 'session']).meta({ description: '`json`: tokens in the body; `session`: HttpOnly cookies (no refresh token in the body)' });

export const loginInput = z.strictObject({
  email: email(),
  password: z.string().min(1).max(256),
  mode: mode.optional(),
});

export const refreshInput = z
  .strictObject({
    refreshToken: z.string().min(1).max(4096).optional().meta({ description: 'Absent: the ms_refresh cookie is used' }),
    mode: mode.optional().meta({ description: 'Default: where the token came from' }),
  })
  .optional();

export const logoutInput = z
  .strictObject({ refreshToken: z.string().min(1).max(4096).optional() })
  .optional();

export const tokensOutput = z
  .object({
    accessToken: z.string(),
    refreshToken: z.string().optional().meta({ description: 'Absent in session mode' }),
    expiresIn: z.int().meta({ description: 'Seconds until the access token expires' }),
    tokenType: z.literal('Bearer'),
  })
  .meta({ id: 'Tokens' });

const tags = ['auth'];

export const loginMeta: Meta = {
  openapi: { method: 'POST', path: '/auth/login', tags, protect: false, summary: 'Log in with email and password', description: 'The same 401 for an unknown email and a wrong password; 429 after repeated failures.' },
  keepsCallers: true,
};
export const refreshMeta: Meta = {
  openapi: { method: 'POST', path: '/auth/refresh', tags, protect: false, summary: 'Rotate the refresh token for new tokens', description: 'The presented refresh token stops working. Reusing a rotated token after the grace period revokes the session.' },
  keepsCallers: true, // a rotation changes no access; the revocation of a reused token clears them itself
};
export const logoutMeta: Meta = {
  openapi: { method: 'POST', path: '/auth/logout', tags, protect: false, summary: 'End the session and clear the cookies', description: 'Idempotent.' },
  successStatus: 204,
};

const newPassword = z.string().min(1).max(256);
const token = z.string().min(1).max(200);

export const changePasswordInput = z.strictObject({ currentPassword: z.string().min(1).max(256), newPassword });
export const resetRequestInput = z.strictObject({
  email: email(),
  resetUrl: z.url({ protocol: /^https?$/ }).max(2000).optional().meta({ description: 'Where the link points (a token is appended); default PUBLIC_URL/reset-password' }),
});
export const resetRequestOutput = z.object({ message: z.string() });
export const resetVerifyInput = z.strictObject({ token });
export const resetVerifyOutput = z.object({ valid: z.literal(true), expiresAt: z.iso.datetime({ offset: true }) });
export const resetConfirmInput = z.strictObject({ token, password: newPassword });

export const changePasswordMeta: Meta = {
  openapi: { method: 'POST', path: '/auth/password-change', tags, summary: "Change the caller's password", description: 'Needs a user access token (not an API key). Ends every other session of the user.' },
  successStatus: 204,
};
export const resetRequestMeta: Meta = {
  openapi: { method: 'POST', path: '/auth/password-reset/request', tags, protect: false, summary: 'Mail a password reset link', description: 'The same answer whether or not the account exists.' },
  successStatus: 202,
};
export const resetVerifyMeta: Meta = {
  openapi: { method: 'GET', path: '/auth/password-reset/verify', tags, protect: false, summary: 'Check a password reset token' },
};
export const resetConfirmMeta: Meta = {
  openapi: { method: 'POST', path: '/auth/password-reset/confirm', tags, protect: false, summary: 'Set a new password with a reset token', description: 'Single use. Ends every session of the user.' },
  successStatus: 204,
};
