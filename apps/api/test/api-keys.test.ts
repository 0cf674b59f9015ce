import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, call, closeDatabases, createUser, login, signedIn, startApp, startSuite, unique, type SignedIn, type TestApp } from './harness.js';

afterAll(closeDatabases);

const KEY = /^msk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/;

describe.each(DATABASES)('API keys and service accounts on %s', (kind) => {
  let app: TestApp, owner: SignedIn, member: SignedIn, admin: SignedIn;
  let roles: Record<string, string>;
  beforeAll(async () => {
    ({ app, owner, member, admin, roles } = await startSuite(kind));
  });
  afterAll(() => app.close());

  const createKey = (token: string, body: Record<string, unknown> = {}) => call(app, 'POST', '/api/system/api-keys', { token, body: { name: unique('key'), ...body } });
  const createAccount = (token: string, body: Record<string, unknown> = {}) => call(app, 'POST', '/api/system/service-accounts', { token, body: { name: unique('robot'), ...body } });
  const me = (token: string) => call(app, 'GET', '/api/system/users/me', { token });

  it('creates a key shown once, stored as a hash, that acts as its creator', async () => {
    const created = await createKey(owner.accessToken, { description: 'CI deploys' });
    expect(created.status).toBe(201);
    const { key, ...apiKey } = created.body;
    expect(key).toMatch(KEY);
    expect(apiKey).toEqual({
      id: expect.any(String), name: expect.any(String), description: 'CI deploys', prefix: key.slice(0, 20),
      principal: { type: 'user', id: owner.user.id }, entitlements: null, expiresAt: null, lastUsedAt: null, createdAt: expect.any(String),
    });
    const self = await me(key);
    expect(self.status).toBe(200);
    expect(self.body.id).toBe(owner.user.id);
    expect((await call(app, 'POST', '/api/system/projects', { token: key, body: { name: unique('by-key') } })).status).toBe(201);

    // The secret is nowhere but in that one answer.
    const secret = key.slice(21);
    const row = await app.db.selectFrom('api_keys').selectAll().where('id', '=', apiKey.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(secret);
    const listed = await call(app, 'GET', '/api/system/api-keys?limit=200', { token: owner.accessToken });
    const updated = await call(app, 'PATCH', `/api/system/api-keys/${apiKey.id}`, { token: owner.accessToken, body: { name: 'renamed' } });
    expect(updated.status).toBe(200);
    expect(updated.body.name).toBe('renamed');
    for (const reply of [listed, updated]) expect(JSON.stringify(reply.body)).not.toContain(secret);
    expect(listed.body.items.find((k: { id: string }) => k.id === apiKey.id)).toBeDefined();
    expect(app.logs.join('')).not.toContain(secret);
  });

  it('refuses malformed, unknown, expired and deleted keys with 401, at once and on another process', async () => {
    const { body } = await createKey(owner.accessToken, { ttlSeconds: 1 });
    expect(body.expiresAt).toBeDefined();
    expect((await me(body.key)).status).toBe(200);
    for (const bad of ['msk_abc', `${body.key.slice(0, -1)}${body.key.endsWith('A') ? 'B' : 'A'}`, `msk_0000000000000000_${'a'.repeat(43)}`]) {
      expect((await me(bad)).status, bad).toBe(401);
    }
    app.clock.advance(2);
    expect((await me(body.key)).status).toBe(401);

    const other = await startApp(kind); // a second API process on the same database
    try {
      const { body: live } = await createKey(owner.accessToken);
      expect((await call(other, 'GET', '/api/system/users/me', { token: live.key })).status).toBe(200);
      expect((await call(app, 'DELETE', `/api/system/api-keys/${live.id}`, { token: owner.accessToken })).status).toBe(204);
      expect((await call(other, 'GET', '/api/system/users/me', { token: live.key })).status).toBe(401);
      expect((await call(app, 'DELETE', `/api/system/api-keys/${live.id}`, { token: owner.accessToken })).status).toBe(404);
    } finally {
      await other.close();
    }
  });

  it('validates ttlSeconds and the body strictly', async () => {
    for (const body of [{ ttlSeconds: 0 }, { ttlSeconds: 31_536_001 }, { ttlSeconds: 1.5 }, { ttlSeconds: '10' }, { entitlements: ['nonsense:thing'] }, { role: 'owner' }, { name: '' }]) {
      const reply = await createKey(owner.accessToken, body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body.code).toBe('BAD_REQUEST');
    }
    expect((await createKey(owner.accessToken, { ttlSeconds: 31_536_000 })).status).toBe(201);
  });

  it('narrows a key to its entitlements', async () => {
    const { body } = await createKey(owner.accessToken, { entitlements: ['project:create'] });
    const name = unique('narrow');
    expect((await call(app, 'POST', '/api/system/projects', { token: body.key, body: { name } })).status).toBe(201);
    const del = await call(app, 'DELETE', `/api/system/projects/${name}`, { token: body.key });
    expect(del.status).toBe(403);
    expect(del.body.message).toMatch(/^Missing entitlement project:delete:/);
    expect((await createKey(body.key)).status).toBe(403);
  });

  it("never lets a key exceed its creator's entitlements", async () => {
    const denied = await createKey(member.accessToken);
    expect(denied.status).toBe(403);
    expect(denied.body.message).toBe('Missing entitlement apiKey:create');
    expect((await createKey(admin.accessToken, { entitlements: ['*'] })).status).toBe(403);
    expect((await createKey(admin.accessToken, { entitlements: [`orgRole:assign:${roles.owner}`] })).status).toBe(403);
    expect((await createKey(admin.accessToken, { entitlements: ['project:*', 'apiKey:read'] })).status).toBe(201);
    // A narrowed key cannot mint a broader one.
    const { body: narrow } = await createKey(owner.accessToken, { entitlements: ['apiKey:create'] });
    expect((await createKey(narrow.key, { entitlements: ['project:create'] })).status).toBe(403);
    expect((await createKey(narrow.key, { entitlements: ['apiKey:create'] })).status).toBe(201);
  });

  it('narrows a key made through a narrowed key, and keeps admins off keys that can do more than they can', async () => {
    const { body: narrow } = await createKey(admin.accessToken, { entitlements: ['apiKey:create'] });
    const { body: child } = await createKey(narrow.key);
    expect(child.entitlements).toEqual(['apiKey:create']);
    expect((await call(app, 'POST', '/api/system/projects', { token: child.key, body: { name: unique('nope') } })).status).toBe(403);

    const { body: ownersKey } = await createKey(owner.accessToken);
    expect((await call(app, 'DELETE', `/api/system/api-keys/${ownersKey.id}`, { token: admin.accessToken })).status).toBe(403);
    expect((await call(app, 'PATCH', `/api/system/api-keys/${ownersKey.id}`, { token: admin.accessToken, body: { name: 'mine' } })).status).toBe(403);
    expect((await me(ownersKey.key)).status).toBe(200);
    const { body: narrowOwnerKey } = await createKey(owner.accessToken, { entitlements: ['project:create'] });
    expect((await call(app, 'DELETE', `/api/system/api-keys/${narrowOwnerKey.id}`, { token: admin.accessToken })).status).toBe(204);
  });

  it('is refused on refresh and logout', async () => {
    const { body } = await createKey(owner.accessToken);
    expect((await call(app, 'POST', '/api/auth/refresh', { token: body.key, body: { refreshToken: owner.refreshToken } })).status).toBe(401);
    expect((await call(app, 'POST', '/api/auth/logout', { token: body.key })).status).toBe(401);
    expect((await me(owner.accessToken)).status).toBe(200);
  });

  it("stops a suspended user's keys", async () => {
    const user = await createUser(app, 'admin');
    const { accessToken } = await login(app, user);
    const { body } = await createKey(accessToken);
    expect((await me(body.key)).status).toBe(200);
    // Written behind the API's back: the database's notification clears the cached caller.
    await app.db.updateTable('users').set({ status: 'suspended' }).where('id', '=', user.id).execute();
    await expect.poll(async () => (await me(body.key)).status, { timeout: 2000 }).toBe(401);
  });

  it('keeps lastUsedAt to within a minute without a write per request', async () => {
    const { body } = await createKey(owner.accessToken);
    const lastUsed = async () => (await app.db.selectFrom('api_keys').select('last_used_at').where('id', '=', body.id).executeTakeFirstOrThrow()).last_used_at;
    const settle = async (check: () => Promise<boolean>) => {
      for (let i = 0; i < 50 && !(await check()); i++) await new Promise((r) => setTimeout(r, 20));
    };
    await me(body.key);
    await settle(async () => (await lastUsed()) !== null);
    const first = await lastUsed();
    expect(first).not.toBeNull();
    app.clock.advance(30);
    await me(body.key);
    await new Promise((r) => setTimeout(r, 100));
    expect(await lastUsed()).toEqual(first);
    app.clock.advance(31);
    await me(body.key);
    await settle(async () => (await lastUsed())!.getTime() !== first!.getTime());
    expect((await lastUsed())!.getTime()).toBeGreaterThan(first!.getTime());
    const listed = await call(app, 'GET', '/api/system/api-keys?limit=200', { token: owner.accessToken });
    expect(listed.body.items.find((k: { id: string }) => k.id === body.id).lastUsedAt).toEqual(expect.any(String));
  });

  describe('service accounts', () => {
    it('are created, read, listed, updated and deleted with their entitlements', async () => {
      const created = await createAccount(owner.accessToken, { description: 'Nightly jobs', roleId: roles.member });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(String), name: expect.any(String), description: 'Nightly jobs', role: { id: roles.member, name: 'member' },
        disabled: false, createdAt: expect.any(String), updatedAt: expect.any(String),
      });
      const id = created.body.id;
      expect((await call(app, 'GET', `/api/system/service-accounts/${id}`, { token: admin.accessToken })).body).toEqual(created.body);
      const list = await call(app, 'GET', '/api/system/service-accounts?limit=200', { token: owner.accessToken });
      expect(list.body.items.map((a: { id: string }) => a.id)).toContain(id);
      for (const [method, path, body] of [
        ['GET', '/api/system/service-accounts'],
        ['GET', `/api/system/service-accounts/${id}`],
        ['POST', '/api/system/service-accounts', { name: 'x' }],
        ['PATCH', `/api/system/service-accounts/${id}`, { name: 'x' }],
        ['DELETE', `/api/system/service-accounts/${id}`],
      ] as const) {
        expect((await call(app, method, path, { token: member.accessToken, body })).status, `${method} ${path}`).toBe(403);
        expect((await call(app, method, path, { body })).status, `${method} ${path}`).toBe(401);
      }
      const updated = await call(app, 'PATCH', `/api/system/service-accounts/${id}`, { token: owner.accessToken, body: { name: 'renamed', roleId: null } });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({ name: 'renamed', role: null });
      expect((await call(app, 'PATCH', `/api/system/service-accounts/${id}`, { token: owner.accessToken, body: { disabled: 'yes' } })).status).toBe(400);
      expect((await call(app, 'GET', '/api/system/service-accounts/not-a-uuid', { token: owner.accessToken })).status).toBe(400);
      expect((await call(app, 'GET', `/api/system/service-accounts/${owner.user.id}`, { token: owner.accessToken })).status).toBe(404);
    });

    it('need orgRole:assign:{roleId} to be given a role', async () => {
      const denied = await createAccount(admin.accessToken, { roleId: roles.owner });
      expect(denied.status).toBe(403);
      expect(denied.body.message).toBe(`Missing entitlement orgRole:assign:${roles.owner}`);
      const { body: account } = await createAccount(admin.accessToken, { roleId: roles.member });
      expect((await call(app, 'PATCH', `/api/system/service-accounts/${account.id}`, { token: admin.accessToken, body: { roleId: roles.owner } })).status).toBe(403);
      const unknownRole = await createAccount(owner.accessToken, { roleId: '01900000-0000-7000-8000-000000000000' });
      expect(unknownRole.status).toBe(400);
      expect(unknownRole.body.issues[0].path).toEqual(['roleId']);
    });

    it('act through their keys; disabling stops the keys at once, deleting removes them', async () => {
      const { body: account } = await createAccount(owner.accessToken, { roleId: roles.admin });
      const { body: key } = await createKey(owner.accessToken, { serviceAccountId: account.id });
      expect(key.principal).toEqual({ type: 'serviceAccount', id: account.id });
      const project = unique('robot-made');
      expect((await call(app, 'POST', '/api/system/projects', { token: key.key, body: { name: project } })).status).toBe(201);
      expect((await me(key.key)).status).toBe(403); // a service account has no user profile

      await call(app, 'PATCH', `/api/system/service-accounts/${account.id}`, { token: owner.accessToken, body: { disabled: true } });
      expect((await call(app, 'GET', '/api/system/projects', { token: key.key })).status).toBe(401);
      await call(app, 'PATCH', `/api/system/service-accounts/${account.id}`, { token: owner.accessToken, body: { disabled: false } });
      expect((await call(app, 'GET', '/api/system/projects', { token: key.key })).status).toBe(200);

      expect((await call(app, 'DELETE', `/api/system/service-accounts/${account.id}`, { token: owner.accessToken })).status).toBe(204);
      expect((await call(app, 'GET', '/api/system/projects', { token: key.key })).status).toBe(401);
      const keys = await app.db.selectFrom('api_keys').select('id').where('service_account_id', '=', account.id).execute();
      expect(keys).toHaveLength(0);
    });

    it('refuse a key, an update or a delete by someone who holds less than the account', async () => {
      const { body: mighty } = await createAccount(owner.accessToken, { roleId: roles.owner });
      const key = await createKey(admin.accessToken, { serviceAccountId: mighty.id });
      expect(key.status).toBe(403);
      expect((await call(app, 'PATCH', `/api/system/service-accounts/${mighty.id}`, { token: admin.accessToken, body: { disabled: true } })).status).toBe(403);
      expect((await call(app, 'DELETE', `/api/system/service-accounts/${mighty.id}`, { token: admin.accessToken })).status).toBe(403);
      expect((await call(app, 'GET', `/api/system/service-accounts/${mighty.id}`, { token: owner.accessToken })).body.disabled).toBe(false);
      expect((await createKey(owner.accessToken, { serviceAccountId: mighty.id })).status).toBe(201);
    });
  });
});
