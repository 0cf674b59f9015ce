import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, call, closeDatabases, createUser, login, signedIn, startApp, unique, type SignedIn, type TestApp } from './harness.js';
import { TestSmtp, tokenFrom } from './smtp.js';

afterAll(closeDatabases);

describe.each(DATABASES)('invites on %s', (kind) => {
  let app: TestApp, owner: SignedIn, member: SignedIn, admin: SignedIn;
  const smtp = new TestSmtp();
  const roles: Record<string, string> = {};
  beforeAll(async () => {
    await smtp.start();
    app = await startApp(kind, { SMTP_URL: smtp.url });
    owner = await signedIn(app, 'owner');
    member = await signedIn(app, 'member');
    admin = await signedIn(app, 'admin');
    for (const r of (await call(app, 'GET', '/api/system/roles', { token: owner.accessToken })).body.items) roles[r.name] = r.id;
  });
  afterAll(async () => {
    await app.close();
    await smtp.stop();
  });

  const invite = (body: Record<string, unknown>, token = owner.accessToken) => call(app, 'POST', '/api/system/invites', { token, body });
  const accept = (body: Record<string, unknown>) => call(app, 'POST', '/api/system/invites/accept', { body });
  const newEmail = () => `${unique('guest')}@example.com`;
  const tokenFor = async (email: string) => tokenFrom(await smtp.mailTo(email)).token;

  it('invites each distinct email once, mails a link, and lists the open invitations', async () => {
    const a = newEmail();
    const b = newEmail();
    const reply = await invite({ emails: [a, a.toUpperCase(), ` ${a} `, b], roleId: roles.admin });
    expect(reply.status).toBe(201);
    expect(reply.body.items).toHaveLength(2);
    expect(reply.body.items[0]).toEqual({
      id: expect.any(String), email: a, role: { id: roles.admin, name: 'admin' }, project: null, status: 'pending',
      expiresAt: expect.any(String), createdAt: expect.any(String), invitedBy: { id: owner.user.id, email: owner.user.email },
    });
    expect(Date.parse(reply.body.items[0].expiresAt) - Date.now()).toBeGreaterThan(7 * 86400_000 - 60_000);
    const link = tokenFrom(await smtp.mailTo(a)).link;
    expect(link.startsWith('http://localhost:8080/accept-invite?token=')).toBe(true);
    await smtp.mailTo(b);
    expect(smtp.count(a)).toBe(1);
    const rows = await app.db.selectFrom('invites').selectAll().where('email', '=', a).execute();
    expect(JSON.stringify(rows)).not.toContain(await tokenFor(a));

    const listed = await call(app, 'GET', '/api/system/invites?limit=200', { token: member.accessToken });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((i: { email: string }) => i.email)).toEqual(expect.arrayContaining([a, b]));
    expect((await call(app, 'GET', '/api/system/invites')).status).toBe(401);
  });

  it('creates the user on acceptance, with the invite role, once', async () => {
    const email = newEmail();
    await invite({ emails: [email], roleId: roles.admin });
    const token = await tokenFor(email);
    const missing = await accept({ token });
    expect(missing.status).toBe(400);
    expect(missing.body.issues[0].path).toEqual(['password']);
    expect((await accept({ token, password: 'password' })).status).toBe(400);
    const ok = await accept({ token, password: 'welcome-aboard-1', name: 'Guest' });
    expect(ok.status).toBe(200);
    expect(ok.body.user).toMatchObject({ email, name: 'Guest', status: 'active', role: { id: roles.admin, name: 'admin' } });
    expect((await login(app, { email, password: 'welcome-aboard-1' })).accessToken).toBeDefined();
    expect((await accept({ token, password: 'welcome-aboard-1' })).status).toBe(400);
    const listed = await call(app, 'GET', '/api/system/invites?limit=200', { token: owner.accessToken });
    expect(listed.body.items.map((i: { email: string }) => i.email)).not.toContain(email);
  });

  it('gives new users the member role by default', async () => {
    const email = newEmail();
    await invite({ emails: [email] });
    const ok = await accept({ token: await tokenFor(email), password: 'welcome-aboard-2' });
    expect(ok.body.user.role).toEqual({ id: roles.member, name: 'member' });
  });

  it('stays single-use under concurrent accepts: exactly one user is created', async () => {
    const email = newEmail();
    await invite({ emails: [email] });
    const token = await tokenFor(email);
    const replies = await Promise.all(Array.from({ length: 5 }, (_, i) => accept({ token, password: `racing-password-${i}` })));
    expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
    expect(replies.filter((r) => r.status === 400)).toHaveLength(4);
    expect(await app.db.selectFrom('users').select('id').where('email', '=', email).execute()).toHaveLength(1);
  });

  it('replaces an open invitation for the same email and target: the old token dies', async () => {
    const email = newEmail();
    await invite({ emails: [email] });
    const first = await tokenFor(email);
    await invite({ emails: [email] });
    await expect.poll(() => smtp.count(email)).toBe(2);
    const second = await tokenFor(email);
    expect(second).not.toBe(first);
    expect((await accept({ token: first, password: 'welcome-aboard-3' })).status).toBe(400);
    expect((await accept({ token: second, password: 'welcome-aboard-3' })).status).toBe(200);
  });

  it('refuses an org invitation for an existing user (409), and gives a project membership to one', async () => {
    const existing = await createUser(app);
    expect((await invite({ emails: [existing.email] })).status).toBe(409);
    const project = unique('proj');
    await call(app, 'POST', '/api/system/projects', { token: owner.accessToken, body: { name: project } });
    const reply = await invite({ emails: [existing.email], project });
    expect(reply.status).toBe(201);
    expect(reply.body.items[0].project).toMatchObject({ name: project });
    const ok = await accept({ token: await tokenFor(existing.email) });
    expect(ok.status).toBe(200);
    expect(ok.body.user.id).toBe(existing.id);
    const membership = await app.db.selectFrom('project_members').select('user_id').where('user_id', '=', existing.id).execute();
    expect(membership).toHaveLength(1);
    expect((await invite({ emails: [existing.email], project: 'no-such-project' })).status).toBe(400);
  });

  it('renews expired invitations, and revokes', async () => {
    const email = newEmail();
    const { body } = await invite({ emails: [email], ttlSeconds: 60 });
    const id = body.items[0].id;
    const token = await tokenFor(email);
    app.clock.advance(61);
    const listed = await call(app, 'GET', '/api/system/invites?limit=200', { token: owner.accessToken });
    expect(listed.body.items.find((i: { id: string }) => i.id === id).status).toBe('expired');
    expect((await accept({ token, password: 'welcome-aboard-4' })).status).toBe(400);
    expect((await call(app, 'PATCH', `/api/system/invites/${id}`, { token: member.accessToken, body: {} })).status).toBe(403);
    const renewed = await call(app, 'PATCH', `/api/system/invites/${id}`, { token: owner.accessToken, body: { ttlSeconds: 3600 } });
    expect(renewed.status).toBe(200);
    expect(renewed.body.status).toBe('pending');
    expect(Date.parse(renewed.body.expiresAt)).toBeGreaterThan(app.clock.now().getTime() + 3500_000);

    expect((await call(app, 'DELETE', `/api/system/invites/${id}`, { token: member.accessToken })).status).toBe(403);
    expect((await call(app, 'DELETE', `/api/system/invites/${id}`, { token: owner.accessToken })).status).toBe(204);
    expect((await accept({ token, password: 'welcome-aboard-4' })).status).toBe(400);
    expect((await call(app, 'DELETE', `/api/system/invites/${id}`, { token: owner.accessToken })).status).toBe(404);
    expect((await call(app, 'PATCH', `/api/system/invites/${id}`, { token: owner.accessToken, body: {} })).status).toBe(404);
  });

  it('needs the right to give the role to renew or revoke an invitation carrying it', async () => {
    const { body } = await invite({ emails: [newEmail()], roleId: roles.owner });
    const id = body.items[0].id;
    expect((await call(app, 'PATCH', `/api/system/invites/${id}`, { token: admin.accessToken, body: {} })).status).toBe(403);
    expect((await call(app, 'DELETE', `/api/system/invites/${id}`, { token: admin.accessToken })).status).toBe(403);
    expect((await call(app, 'DELETE', `/api/system/invites/${id}`, { token: owner.accessToken })).status).toBe(204);
  });

  it('checks entitlements and input', async () => {
    const denied = await invite({ emails: [newEmail()] }, member.accessToken);
    expect(denied.status).toBe(403);
    expect(denied.body.message).toBe('Missing entitlement invite:create');
    const ownerRole = await invite({ emails: [newEmail()], roleId: roles.owner }, admin.accessToken);
    expect(ownerRole.status).toBe(403);
    for (const body of [
      { emails: [] },
      { emails: Array.from({ length: 101 }, (_, i) => `p${i}@example.com`) },
      { emails: ['not-an-email'] },
      { emails: [newEmail()], ttlSeconds: 0 },
      { emails: [newEmail()], ttlSeconds: 31_536_001 },
      { emails: [newEmail()], inviteUrl: 'https://evil.example/join' },
      { emails: [newEmail()], role: 'owner' },
    ]) {
      const reply = await invite(body);
      expect(reply.status, JSON.stringify(body).slice(0, 80)).toBe(400);
    }
  });

  it('limits failed acceptances per client address (429 with Retry-After)', async () => {
    let limited;
    for (let i = 0; i < 25 && !limited; i++) {
      const reply = await accept({ token: `guess-${i}`, password: 'whatever-password' });
      if (reply.status === 429) limited = reply;
      else expect(reply.status).toBe(400);
    }
    expect(limited?.status).toBe(429);
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
