import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, call, closeDatabases, createUser, login, signedIn, startSuite, unique, type SignedIn, type TestApp } from './harness.js';

afterAll(closeDatabases);

describe.each(DATABASES)('users, roles and settings on %s', (kind) => {
  let app: TestApp, owner: SignedIn, member: SignedIn, admin: SignedIn;
  let roles: Record<string, string>;
  beforeAll(async () => {
    ({ app, owner, member, admin, roles } = await startSuite(kind));
  });
  afterAll(() => app.close());

  const patch = (token: string, id: string, body: unknown) => call(app, 'PATCH', `/api/system/users/${id}`, { token, body });
  const row = (id: string) => app.db.selectFrom('users').select(['name', 'email', 'status', 'role_id', 'password_hash']).where('id', '=', id).executeTakeFirstOrThrow();

  describe('reading', () => {
    it('reads one user, never with a hash', async () => {
      const reply = await call(app, 'GET', `/api/system/users/${owner.user.id}`, { token: member.accessToken });
      expect(reply.status).toBe(200);
      expect(Object.keys(reply.body).sort()).toEqual(['createdAt', 'email', 'id', 'lastLoginAt', 'name', 'role', 'status', 'updatedAt']);
      expect((await call(app, 'GET', '/api/system/users/01900000-0000-7000-8000-000000000000', { token: member.accessToken })).status).toBe(404);
      expect((await call(app, 'GET', '/api/system/users/not-a-uuid', { token: member.accessToken })).status).toBe(400);
      expect((await call(app, 'GET', `/api/system/users/${owner.user.id}`)).status).toBe(401);
    });

    it('lists with search, status and roleId filters and a keyset cursor stable under inserts', async () => {
      const tag = unique('people');
      const made = [];
      for (let i = 0; i < 4; i++) {
        const u = await createUser(app, i % 2 ? 'admin' : 'member');
        await app.db.updateTable('users').set({ name: `${tag} ${i}` }).where('id', '=', u.id).execute();
        made.push(u);
        app.clock.advance(1);
      }
      const list = async (query: string) => (await call(app, 'GET', `/api/system/users?${query}`, { token: member.accessToken })).body;
      expect((await list(`search=${encodeURIComponent(tag.toUpperCase())}`)).items.map((u: { id: string }) => u.id)).toEqual(made.map((u) => u.id));
      expect((await list(`search=${made[0]!.email}`)).items).toHaveLength(1);
      expect((await list(`search=${encodeURIComponent(tag)}&roleId=${roles.admin}`)).items.map((u: { id: string }) => u.id)).toEqual([made[1]!.id, made[3]!.id]);
      await app.db.updateTable('users').set({ status: 'suspended' }).where('id', '=', made[2]!.id).execute();
      expect((await list(`search=${encodeURIComponent(tag)}&status=suspended`)).items.map((u: { id: string }) => u.id)).toEqual([made[2]!.id]);

      const seen: string[] = [];
      let cursor: string | null = null;
      let first = true;
      do {
        const page: { items: { id: string }[]; nextCursor: string | null } = await list(`search=${encodeURIComponent(tag)}&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...page.items.map((u) => u.id));
        cursor = page.nextCursor;
        if (first) {
          first = false;
          const late = await createUser(app);
          await app.db.updateTable('users').set({ name: `${tag} late` }).where('id', '=', late.id).execute();
          made.push(late);
        }
      } while (cursor);
      expect(seen).toEqual(made.map((u) => u.id));
      for (const bad of ['limit=0', 'limit=201', 'limit=2.5', 'status=gone', 'roleId=x', 'cursor=zzz']) {
        expect((await call(app, 'GET', `/api/system/users?${bad}`, { token: member.accessToken })).status, bad).toBe(400);
      }
    });
  });

  describe('updating', () => {
    it('lets anyone change their own name, and nothing else', async () => {
      const self = await signedIn(app, 'member');
      const renamed = await call(app, 'PATCH', '/api/system/users/me', { token: self.accessToken, body: { name: 'New Name' } });
      expect(renamed.status).toBe(200);
      expect(renamed.body.name).toBe('New Name');
      for (const body of [{ role: 'owner' }, { status: 'active' }, { email: 'x@example.com' }, { passwordHash: 'x' }, { name: 5 }]) {
        expect((await call(app, 'PATCH', '/api/system/users/me', { token: self.accessToken, body })).status, JSON.stringify(body)).toBe(400);
      }
      const own = await patch(self.accessToken, self.user.id, { name: 'Via Id' });
      expect(own.status).toBe(200);
      const statusOnSelf = await patch(self.accessToken, self.user.id, { status: 'suspended' });
      expect(statusOnSelf.status).toBe(400);
      expect(statusOnSelf.body.issues[0].path).toEqual(['status']);
      expect((await patch(self.accessToken, self.user.id, { email: 'me2@example.com' })).status).toBe(400);
      expect(await row(self.user.id)).toMatchObject({ name: 'Via Id', status: 'active', email: self.user.email });
    });

    it('refuses control characters in a name (terminal escapes, line breaks), and keeps the old one', async () => {
      const self = await signedIn(app, 'member');
      for (const name of ['red\u001b[31m', 'two\nlines', 'bell\u0007', 'next\u0085line', 'del\u007f']) {
        const reply = await call(app, 'PATCH', '/api/system/users/me', { token: self.accessToken, body: { name } });
        expect(reply.status, JSON.stringify(name)).toBe(400);
        expect(reply.body.issues[0]).toMatchObject({ path: ['name'], message: 'Must be one line without control characters' });
      }
      expect((await call(app, 'PATCH', '/api/system/users/me', { token: self.accessToken, body: { name: '  Zoë Ünïcode  ' } })).body.name).toBe('Zoë Ünïcode');
      expect(await row(self.user.id)).toMatchObject({ name: 'Zoë Ünïcode' });
    });

    it('needs user:update:{id} for others, refuses unknown fields, and answers 409 on a taken email', async () => {
      const target = await createUser(app);
      const denied = await patch(member.accessToken, target.id, { name: 'x' });
      expect(denied.status).toBe(403);
      expect(denied.body.message).toBe(`Missing entitlement user:update:${target.id}`);
      for (const body of [{ role: 'owner' }, { passwordHash: 'x' }, { email: 'not-an-email' }, { status: 'deleted' }]) {
        expect((await patch(owner.accessToken, target.id, body)).status, JSON.stringify(body)).toBe(400);
      }
      const before = await row(target.id);
      const taken = await patch(owner.accessToken, target.id, { email: member.user.email.toUpperCase() });
      expect(taken.status).toBe(409);
      expect(await row(target.id)).toEqual(before);
      const email = `${unique('moved')}@example.com`;
      const ok = await patch(owner.accessToken, target.id, { name: 'Changed', email: `  ${email.toUpperCase()} ` });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ name: 'Changed', email });
    });

    it('suspends: the sessions and API keys of the user stop at once; reactivation works', async () => {
      const target = await signedIn(app, 'admin');
      const { body: key } = await call(app, 'POST', '/api/system/api-keys', { token: target.accessToken, body: { name: 'k' } });
      expect((await call(app, 'GET', '/api/system/users/me', { token: key.key })).status).toBe(200);
      const reply = await patch(admin.accessToken, target.user.id, { status: 'suspended' });
      expect(reply.status).toBe(200);
      expect(reply.body.status).toBe('suspended');
      expect((await call(app, 'GET', '/api/system/users/me', { token: target.accessToken })).status).toBe(401);
      expect((await call(app, 'POST', '/api/auth/refresh', { body: { refreshToken: target.refreshToken } })).status).toBe(401);
      expect((await call(app, 'GET', '/api/system/users/me', { token: key.key })).status).toBe(401);
      expect((await call(app, 'POST', '/api/auth/login', { body: { email: target.user.email, password: target.user.password } })).status).toBe(401);
      expect((await patch(admin.accessToken, target.user.id, { status: 'active' })).status).toBe(200);
      expect((await login(app, target.user)).accessToken).toBeDefined();
    });

    it('never lets anyone act on a user who holds more than they do', async () => {
      const mighty = await createUser(app, 'owner');
      const reply = await patch(admin.accessToken, mighty.id, { name: 'demoted?' });
      expect(reply.status).toBe(403);
      expect((await patch(admin.accessToken, mighty.id, { status: 'suspended' })).status).toBe(403);
      expect((await call(app, 'POST', `/api/system/users/${mighty.id}/role`, { token: admin.accessToken, body: { roleId: roles.member } })).status).toBe(403);
      expect((await row(mighty.id)).status).toBe('active');
    });
  });

  describe('role assignment', () => {
    it('needs orgRole:assign:{roleId} and answers the user', async () => {
      const target = await createUser(app);
      const denied = await call(app, 'POST', `/api/system/users/${target.id}/role`, { token: member.accessToken, body: { roleId: roles.admin } });
      expect(denied.status).toBe(403);
      expect(denied.body.message).toBe(`Missing entitlement orgRole:assign:${roles.admin}`);
      const noOwner = await call(app, 'POST', `/api/system/users/${target.id}/role`, { token: admin.accessToken, body: { roleId: roles.owner } });
      expect(noOwner.status).toBe(403);
      const ok = await call(app, 'POST', `/api/system/users/${target.id}/role`, { token: admin.accessToken, body: { roleId: roles.admin } });
      expect(ok.status).toBe(200);
      expect(ok.body.role).toEqual({ id: roles.admin, name: 'admin' });
      expect((await call(app, 'POST', `/api/system/users/${target.id}/role`, { token: owner.accessToken, body: { roleId: '01900000-0000-7000-8000-000000000000' } })).status).toBe(400);
      expect((await call(app, 'POST', `/api/system/users/${target.id}/role`, { token: owner.accessToken, body: { roleId: roles.member, extra: true } })).status).toBe(400);
      expect((await call(app, 'POST', '/api/system/users/01900000-0000-7000-8000-000000000000/role', { token: owner.accessToken, body: { roleId: roles.member } })).status).toBe(404);
    });
  });

  describe('settings', () => {
    it('are readable by everyone signed in, and changed only with orgSettings:edit', async () => {
      const read = await call(app, 'GET', '/api/system/settings', { token: member.accessToken });
      expect(read.status).toBe(200);
      expect(read.body).toEqual({ orgName: 'Monospace', publicUrl: 'http://localhost:8080', allowedRedirectUrls: [], inviteTtlSeconds: 604800, passwordMinLength: 8, updatedAt: expect.any(String) });
      expect((await call(app, 'GET', '/api/system/settings')).status).toBe(401);
      const denied = await call(app, 'PATCH', '/api/system/settings', { token: member.accessToken, body: { orgName: 'Mine' } });
      expect(denied.status).toBe(403);
      expect(denied.body.message).toBe('Missing entitlement orgSettings:edit');
      const changed = await call(app, 'PATCH', '/api/system/settings', { token: owner.accessToken, body: { orgName: 'Acme', inviteTtlSeconds: 3600 } });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ orgName: 'Acme', inviteTtlSeconds: 3600, passwordMinLength: 8 });
      await call(app, 'PATCH', '/api/system/settings', { token: owner.accessToken, body: { orgName: 'Monospace', inviteTtlSeconds: 604800 } });
    });

    it('refuse unknown keys, __proto__ and bad values, and change nothing', async () => {
      const before = (await call(app, 'GET', '/api/system/settings', { token: owner.accessToken })).body;
      const raw = (body: string) => call(app, 'PATCH', '/api/system/settings', { token: owner.accessToken, raw: body, headers: { 'content-type': 'application/json' } });
      for (const body of ['{"__proto__":{"orgName":"x"}}', '{"constructor":{"prototype":{}}}', '{"orgName":"x","extra":1}', '{"inviteTtlSeconds":0}', '{"inviteTtlSeconds":"60"}', '{"passwordMinLength":4}', '{"allowedRedirectUrls":["ftp://files.example.com"]}', '{"publicUrl":"javascript:alert(1)"}', '{"orgName":""}']) {
        const reply = await raw(body);
        expect(reply.status, body).toBe(400);
      }
      expect((await call(app, 'GET', '/api/system/settings', { token: owner.accessToken })).body).toEqual(before);
      expect(({} as Record<string, unknown>).orgName).toBeUndefined();
    });

    it('passwordMinLength drives the password policy', async () => {
      await call(app, 'PATCH', '/api/system/settings', { token: owner.accessToken, body: { passwordMinLength: 20 } });
      try {
        const self = await signedIn(app, 'member');
        const reply = await call(app, 'POST', '/api/auth/password-change', { token: self.accessToken, body: { currentPassword: self.user.password, newPassword: 'only-17-characters' } });
        expect(reply.status).toBe(400);
        expect(reply.body.issues[0].message).toBe('Must be at least 20 characters');
      } finally {
        await call(app, 'PATCH', '/api/system/settings', { token: owner.accessToken, body: { passwordMinLength: 8 } });
      }
    });
  });
});
