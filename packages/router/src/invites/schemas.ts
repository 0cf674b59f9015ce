import { z } from 'zod';
import type { Meta } from '../trpc.js';
import { email, int, isoDate, uuid, line } from '../common/fields.js';
import { pageOf, pageParams } from '../common/pagination.js';
import { roleRef, userOutput } from '../users/schemas.js';

const ttlSeconds = int(1, 31_536_000).optional().meta({ description: 'Lifetime in seconds (1 to one year); default settings.inviteTtlSeconds' });

export const inviteOutput = z
  .object({
    id: uuid(),
    email: z.string(),
    role: roleRef.nullable(),
    project: z.object({ id: uuid(), name: z.string() }).nullable(),
    status: z.enum(['pending', 'expired']),
    expiresAt: isoDate(),
    createdAt: isoDate(),
    invitedBy: z.object({ id: uuid(), email: z.string() }).nullable(),
  })
  .meta({ id: 'Invite' });
export type Invite = z.output<typeof inviteOutput>;

export const listInput = z.strictObject({ ...pageParams });
export const page = pageOf(inviteOutput).meta({ id: 'InvitePage' });
export const createInput = z.strictObject({
  emails: z.array(email()).min(1).max(100),
  roleId: uuid().optional(),
  project: z.string().min(1).max(255).optional().meta({ description: 'Name of the project to invite to; absent: an org invite' }),
  inviteUrl: z.url({ protocol: /^https?$/ }).max(2000).optional().meta({ description: 'Where the link points (a token is appended); default PUBLIC_URL/accept-invite' }),
  ttlSeconds,
});
export const createOutput = z.object({ items: z.array(inviteOutput) });
export const inviteRef = z.strictObject({ invitation_id: uuid() });
export const renewInput = z.strictObject({ invitation_id: uuid(), ttlSeconds });
export const acceptInput = z.strictObject({
  token: z.string().min(1).max(200),
  password: z.string().min(1).max(256).optional().meta({ description: 'Required when the email has no account yet' }),
  name: line().max(200).optional(),
});
export const acceptOutput = z.object({ user: userOutput });

const tags = ['invites'];
const path = '/system/invites';
export const listMeta: Meta = { openapi: { method: 'GET', path, tags, summary: 'List open invitations' } };
export const createMeta: Meta = { openapi: { method: 'POST', path, tags, summary: 'Invite people to the organization or a project' }, successStatus: 201, keepsCallers: true };
export const acceptMeta: Meta = { openapi: { method: 'POST', path: `${path}/accept`, tags, protect: false, summary: 'Accept an invitation with its token' } };
export const renewMeta: Meta = { openapi: { method: 'PATCH', path: `${path}/{invitation_id}`, tags, summary: 'Renew an invitation (pending or expired)' } };
export const revokeMeta: Meta = { openapi: { method: 'DELETE', path: `${path}/{invitation_id}`, tags, summary: 'Revoke an invitation' }, successStatus: 204 };
