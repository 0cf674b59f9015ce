import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, DATABASES, call, closeDatabases, createUser, login, startApp, type TestApp } from './harness.js';

afterAll(closeDatabases);

// A database of its own: the bootstrap owner starts as the only owner.
describe.each(DATABASES)('the last active owner on %s', (kind) => {
  let app: TestApp;
  let ownerRole: string;
  let adminRole: string;
  beforeAll(async () => {
    app = await startApp(kind);
  });
  afterAll(() => app.close());

  const activeOwners = async () =>
    (await app.db.selectFrom('users as u').innerJoin('roles as r', 'r.id', 'u.role_id').select('u.id').where('r.name', '=', 'owner').where('u.status', '=', 'active').execute()).length;

  it('cannot give up the owner role alone', async () => {
    const first = await login(app, ADMIN);
    const roles = (await call(app, 'GET', '/api/system/roles', { token: first.accessToken })).body.items;
    ownerRole = roles.find((r: { name: string }) => r.name === 'owner').id;
    adminRole = roles.find((r: { name: string }) => r.name === 'admin').id;
    const meId = (await call(app, 'GET', '/api/system/users/me', { token: first.accessToken })).body.id;
    expect(await activeOwners()).toBe(1);
    const reply = await call(app, 'POST', `/api/system/users/${meId}/role`, { token: first.accessToken, body: { roleId: adminRole } });
    expect(reply.status).toBe(409);
    expect(reply.body.code).toBe('CONFLICT');
    expect(await activeOwners()).toBe(1);
  });

  it('leaves exactly one owner when two owners demote each other at the same moment', async () => {
    const a = await login(app, ADMIN);
    const aId = (await call(app, 'GET', '/api/system/users/me', { token: a.accessToken })).body.id;
    const b = await createUser(app, 'owner');
    const bTokens = await login(app, b);
    expect(await activeOwners()).toBe(2);
    const replies = await Promise.all([
      call(app, 'POST', `/api/system/users/${b.id}/role`, { token: a.accessToken, body: { roleId: adminRole } }),
      call(app, 'POST', `/api/system/users/${aId}/role`, { token: bTokens.accessToken, body: { roleId: adminRole } }),
    ]);
    // The loser gets 409 (it would remove the last owner) or, when it was demoted before its
    // request was checked, 403 (it no longer holds what the other owner holds).
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses[0]).toBe(200);
    expect([403, 409]).toContain(statuses[1]);
    expect(await activeOwners()).toBe(1);
  });

  it('cannot be suspended, even by a principal holding everything', async () => {
    const [owner] = await app.db.selectFrom('users as u').innerJoin('roles as r', 'r.id', 'u.role_id').select(['u.id', 'u.email']).where('r.name', '=', 'owner').execute();
    const ownerLogin = owner!.email === ADMIN.email ? await login(app, ADMIN) : null;
    const token = ownerLogin?.accessToken ?? (await login(app, { email: owner!.email, password: 'correct-horse-battery' })).accessToken;
    // A service account with the owner role acts through its key on the last active owner.
    const { body: robot } = await call(app, 'POST', '/api/system/service-accounts', { token, body: { name: 'root-robot', roleId: ownerRole } });
    const { body: key } = await call(app, 'POST', '/api/system/api-keys', { token, body: { name: 'root', serviceAccountId: robot.id } });
    const reply = await call(app, 'PATCH', `/api/system/users/${owner!.id}`, { token: key.key, body: { status: 'suspended' } });
    expect(reply.status).toBe(409);
    expect(await activeOwners()).toBe(1);
    expect((await call(app, 'GET', '/api/system/users/me', { token })).status).toBe(200);
  });
});
