import { z } from 'zod';
import type { Meta } from '../trpc.js';
import { int, isoDate, line } from '../common/fields.js';

const httpUrl = z.url({ protocol: /^https?$/, message: 'Must be an http(s) URL' }).max(2000);

export const settingsOutput = z
  .object({
    orgName: z.string(),
    publicUrl: z.string().meta({ description: 'Where users reach the app; PUBLIC_URL unless set here' }),
    allowedRedirectUrls: z.array(z.string()).meta({ description: 'Prefixes that resetUrl and inviteUrl may start with, besides PUBLIC_URL\'s origin' }),
    inviteTtlSeconds: z.int(),
    passwordMinLength: z.int(),
    updatedAt: isoDate(),
  })
  .meta({ id: 'Settings' });
export type Settings = z.output<typeof settingsOutput>;

export const updateInput = z.strictObject({
  orgName: line().min(1).max(200).optional(),
  publicUrl: httpUrl.nullable().optional(),
  allowedRedirectUrls: z.array(httpUrl).max(50).optional(),
  inviteTtlSeconds: int(1, 31_536_000).optional(),
  passwordMinLength: int(8, 256).optional(),
});

const tags = ['settings'];
export const getMeta: Meta = { openapi: { method: 'GET', path: '/system/settings', tags, summary: 'Read the organization settings' } };
export const updateMeta: Meta = { openapi: { method: 'PATCH', path: '/system/settings', tags, summary: 'Change organization settings (partial)' } };
