import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, call, closeDatabases, cookieHeader, createUser, signedIn, startSuite, unique, type SignedIn, type TestApp } from './harness.js';

afterAll(closeDatabases);

describe.each(DATABASES)('projects on %s', (kind) => {
  let app: TestApp, owner: SignedIn, member: SignedIn;
  beforeAll(async () => ({ app, owner, member } = await startSuite(kind)));
  afterAll(() => app.close());

  const create = (name: string, token = owner.accessToken, description?: string) =>
    call(app, 'POST', '/api/system/projects', { token, body: { name, ...(description !== undefined ? { description } : {}) } });
  const rowCount = async (name: string) => (await app.db.selectFrom('projects').select('id').where('name', '=', name).execute()).length;

  it('creates (201), reads, updates and deletes (204) a project', async () => {
    const name = unique('site');
    const created = await create(name, owner.accessToken, 'Our site');
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), name, description: 'Our site', createdAt: expect.any(String), updatedAt: expect.any(String) });
    expect(created.body.id[14]).toBe('7'); // a time-ordered UUID v7

    const read = await call(app, 'GET', `/api/system/projects/${name}`, { token: member.accessToken });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);

    app.clock.advance(5);
    const renamed = `${name}-v2`;
    const updated = await call(app, 'PATCH', `/api/system/projects/${name}`, { token: owner.accessToken, body: { name: renamed, description: '' } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id: created.body.id, name: renamed, description: '' });
    expect(Date.parse(updated.body.updatedAt)).toBeGreaterThan(Date.parse(created.body.updatedAt));
    expect((await call(app, 'GET', `/api/system/projects/${name}`, { token: owner.accessToken })).status).toBe(404);

    const deleted = await call(app, 'DELETE', `/api/system/projects/${renamed}`, { token: owner.accessToken });
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    expect(await rowCount(renamed)).toBe(0);
    expect((await call(app, 'DELETE', `/api/system/projects/${renamed}`, { token: owner.accessToken })).status).toBe(404);
  });

  it('refuses names that are not DNS labels, and changes nothing', async () => {
    for (const name of ['', 'UPPER', '-lead', 'trail-', 'under_score', 'dots.here', 'a'.repeat(64), 'spa ce', 'émoji']) {
      const reply = await create(name);
      expect(reply.status, name).toBe(400);
      expect(reply.body.code).toBe('BAD_REQUEST');
      expect(reply.body.issues[0].path).toEqual(['name']);
    }
    expect((await create('a')).status).toBe(201);
    expect((await create(`x${'a'.repeat(61)}z`.slice(0, 63))).status).toBe(201);
    const name = unique('keep');
    await create(name);
    const bad = await call(app, 'PATCH', `/api/system/projects/${name}`, { token: owner.accessToken, body: { name: 'Bad Name' } });
    expect(bad.status).toBe(400);
    expect(await rowCount(name)).toBe(1);
  });

  it('keeps tabs and line breaks in a description, and refuses other control characters', async () => {
    const name = unique('desc');
    expect((await create(name)).status).toBe(201);
    const path = `/api/system/projects/${name}`;
    const multiline = await call(app, 'PATCH', path, { token: owner.accessToken, body: { description: 'line one\n\tline two\r\n' } });
    expect(multiline.status).toBe(200);
    expect(multiline.body.description).toBe('line one\n\tline two\r\n');
    const escape = await call(app, 'PATCH', path, { token: owner.accessToken, body: { description: 'clear\u001b[2J' } });
    expect(escape.status).toBe(400);
    expect(escape.body.issues[0].path).toEqual(['description']);
    expect((await call(app, 'GET', path, { token: owner.accessToken })).body.description).toBe('line one\n\tline two\r\n');
  });

  it('answers 409 for a taken name on create and on rename', async () => {
    const a = unique('taken');
    const b = unique('other');
    expect((await create(a)).status).toBe(201);
    expect((await create(b)).status).toBe(201);
    const again = await create(a);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('CONFLICT');
    const rename = await call(app, 'PATCH', `/api/system/projects/${b}`, { token: owner.accessToken, body: { name: a } });
    expect(rename.status).toBe(409);
    expect(await rowCount(b)).toBe(1);
  });

  it('refuses unknown keys, wrong types and malformed JSON with 400, and writes nothing', async () => {
    const name = unique('smuggle');
    const cases: unknown[] = [{ name, id: '00000000-0000-7000-8000-000000000000' }, { name, createdAt: '2020-01-01T00:00:00Z' }, { name: 42 }, { name, description: 7 }, [name], null, 'text'];
    for (const body of cases) {
      const reply = await call(app, 'POST', '/api/system/projects', { token: owner.accessToken, body });
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body.code).toBe('BAD_REQUEST');
    }
    const malformed = await call(app, 'POST', '/api/system/projects', { token: owner.accessToken, raw: `{"name":"${name}"`, headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect(await rowCount(name)).toBe(0);
  });

  it('refuses hostile bodies and URLs with 400, never a 500, and writes nothing', async () => {
    const name = unique('hostile');
    const nul = await call(app, 'POST', '/api/system/projects', { token: owner.accessToken, body: { name, description: 'nul\u0000byte' } });
    expect(nul.status).toBe(400);
    expect(nul.body.code).toBe('BAD_REQUEST');
    expect((await call(app, 'GET', '/api/system/projects?search=%00', { token: owner.accessToken })).status).toBe(400);
    expect((await call(app, 'GET', `/trpc/projects.get?input=${encodeURIComponent('{"project":"a\u0000"}')}`, { token: owner.accessToken })).status).toBe(400);
    const deep = '{"name":' + '['.repeat(5000) + ']'.repeat(5000) + '}';
    for (const path of ['/api/system/projects', '/trpc/projects.create', '/api/auth/login']) {
      const reply = await call(app, 'POST', path, { token: owner.accessToken, raw: deep, headers: { 'content-type': 'application/json' } });
      expect(reply.status, path).toBe(400);
    }
    const gzip = await call(app, 'POST', '/api/system/projects', { token: owner.accessToken, raw: JSON.stringify({ name }), headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } });
    expect(gzip.status).toBe(400);
    expect(await rowCount(name)).toBe(0);
    for (const date of ['+275760-09-13T00:00:00.000Z', '-000001-01-01T00:00:00.000Z', '+010000-01-01T00:00:00.000Z']) {
      const cursor = Buffer.from(`${date}|01a23c51-9d9a-7561-ab00-d0a7e624ea3a`).toString('base64url');
      const reply = await call(app, 'GET', `/api/system/projects?cursor=${cursor}`, { token: owner.accessToken });
      expect(reply.status, date).toBe(400);
      expect(reply.body.issues).toEqual([expect.objectContaining({ path: ['cursor'], message: 'Invalid cursor' })]);
    }
    await create(name);
    const withBody = await call(app, 'DELETE', `/api/system/projects/${name}`, { token: owner.accessToken, body: { force: true } });
    expect(withBody.status).toBe(400);
    expect(await rowCount(name)).toBe(1);
  });

  it('refuses bodies that are no object, path parameters repeated in the body or query, and queries on writes', async () => {
    const name = unique('shape');
    await create(name);
    for (const raw of ['null', '123', 'true', '[]', '"ab"']) {
      const reply = await call(app, 'PATCH', `/api/system/projects/${name}`, { token: owner.accessToken, raw, headers: { 'content-type': 'application/json' } });
      expect(reply.status, raw).toBe(400);
    }
    expect((await call(app, 'PATCH', `/api/system/projects/${name}`, { token: owner.accessToken, body: { project: 'other' } })).status).toBe(400);
    expect((await call(app, 'PATCH', `/api/system/projects/${name}?description=x`, { token: owner.accessToken, body: {} })).status).toBe(400);
    expect((await call(app, 'GET', `/api/system/projects/${name}?project=other`, { token: owner.accessToken })).status).toBe(400);
    expect((await call(app, 'GET', `/api/system/projects/${name}`, { token: owner.accessToken })).body.description).toBe('');
  });

  it('refuses a JSON body over 1 MiB with 413', async () => {
    const reply = await call(app, 'POST', '/api/system/projects', { token: owner.accessToken, body: { name: unique('big'), description: 'x'.repeat(1024 * 1024 + 10) } });
    expect(reply.status).toBe(413);
    expect(reply.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('needs project:create, project:update:{id} and project:delete:{id}, and names the missing one', async () => {
    const denied = await create(unique('nope'), member.accessToken);
    expect(denied.status).toBe(403);
    expect(denied.body).toEqual({ code: 'FORBIDDEN', message: 'Missing entitlement project:create' });
    const name = unique('guarded');
    const { body: project } = await create(name);
    const update = await call(app, 'PATCH', `/api/system/projects/${name}`, { token: member.accessToken, body: { description: 'mine now' } });
    expect(update.status).toBe(403);
    expect(update.body.message).toBe(`Missing entitlement project:update:${project.id}`);
    const del = await call(app, 'DELETE', `/api/system/projects/${name}`, { token: member.accessToken });
    expect(del.status).toBe(403);
    expect(del.body.message).toBe(`Missing entitlement project:delete:${project.id}`);
    expect(await rowCount(name)).toBe(1);
    // The admin role grants everything but assigning the owner role.
    const admin = await signedIn(app, 'admin');
    expect((await call(app, 'DELETE', `/api/system/projects/${name}`, { token: admin.accessToken })).status).toBe(204);
  });

  it('needs authentication for every endpoint', async () => {
    const name = unique('anon');
    await create(name);
    for (const [method, path, body] of [
      ['GET', '/api/system/projects'],
      ['GET', `/api/system/projects/${name}`],
      ['POST', '/api/system/projects', { name: unique('anon') }],
      ['PATCH', `/api/system/projects/${name}`, { description: 'x' }],
      ['DELETE', `/api/system/projects/${name}`],
    ] as const) {
      const reply = await call(app, method, path, { body });
      expect(reply.status, `${method} ${path}`).toBe(401);
      expect(reply.body.code).toBe('UNAUTHORIZED');
    }
    expect(await rowCount(name)).toBe(1);
  });

  it('pages with a stable keyset cursor, also while rows are inserted', async () => {
    const tag = unique('page');
    const names = [];
    for (let i = 0; i < 5; i++) {
      names.push(`${tag}-${i}`);
      await create(`${tag}-${i}`);
      app.clock.advance(1);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `?search=${tag}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const reply = await call(app, 'GET', `/api/system/projects${query}`, { token: member.accessToken });
      expect(reply.status).toBe(200);
      expect(reply.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...reply.body.items.map((p: { name: string }) => p.name));
      cursor = reply.body.nextCursor;
      if (pages++ === 0) await create(`${tag}-late`); // inserted mid-walk: lands at the end, nothing skipped or repeated
    } while (cursor);
    expect(seen).toEqual([...names, `${tag}-late`]);
  });

  it('searches name and description case-insensitively, with % and _ taken literally', async () => {
    const tag = unique('srch');
    await create(`${tag}-alpha`, owner.accessToken, 'The Marketing site');
    await create(`${tag}-beta`, owner.accessToken, '100% done');
    const list = async (search: string) =>
      (await call(app, 'GET', `/api/system/projects?search=${encodeURIComponent(search)}`, { token: owner.accessToken })).body.items.map((p: { name: string }) => p.name);
    expect(await list(`${tag}-ALPHA`)).toEqual([`${tag}-alpha`]);
    expect(await list('marketing SITE')).toContain(`${tag}-alpha`);
    expect(await list('100%')).toEqual([`${tag}-beta`]);
    expect(await list(`${tag}_alpha`)).toEqual([]);
  });

  it('refuses bad list parameters with 400', async () => {
    for (const query of ['limit=0', 'limit=201', 'limit=1.5', 'limit=abc', 'limit=', 'cursor=bad', 'cursor=' + Buffer.from('x|y').toString('base64url'), 'unknown=1', 'limit=1&limit=2']) {
      const reply = await call(app, 'GET', `/api/system/projects?${query}`, { token: owner.accessToken });
      expect(reply.status, query).toBe(400);
      expect(reply.body.code).toBe('BAD_REQUEST');
    }
    const ok = await call(app, 'GET', '/api/system/projects?limit=200', { token: owner.accessToken });
    expect(ok.status).toBe(200);
    expect(ok.body.items.length).toBeLessThanOrEqual(200);
  });

  it('keeps RPC inputs strict after REST calls coerced query strings', async () => {
    const rest = await call(app, 'GET', '/api/system/projects?limit=3', { token: owner.accessToken });
    expect(rest.status).toBe(200);
    const rpc = (input: unknown) => call(app, 'GET', `/trpc/projects.list?input=${encodeURIComponent(JSON.stringify(input))}`, { token: owner.accessToken });
    expect((await rpc({ limit: 3 })).status).toBe(200);
    const strict = await rpc({ limit: '3' });
    expect(strict.status).toBe(400);
    expect(strict.body.error.data.code).toBe('BAD_REQUEST');
    expect(strict.body.error.data.issues[0].path).toEqual(['limit']);
    const body = await call(app, 'POST', '/trpc/projects.create', { token: owner.accessToken, body: { name: 12345 } });
    expect(body.status).toBe(400);
  });

  it('refuses cookie-authenticated changes from a foreign origin (CSRF) and allows them from its own', async () => {
    const user = await createUser(app, 'owner');
    const session = await call(app, 'POST', '/api/auth/login', { body: { email: user.email, password: user.password, mode: 'session' } });
    const cookie = cookieHeader(session.cookies);
    const name = unique('csrf');
    const foreign = await call(app, 'POST', '/api/system/projects', { cookie, body: { name }, headers: { origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    const none = await call(app, 'POST', '/api/system/projects', { cookie, body: { name } });
    expect(none.status).toBe(403);
    expect(await rowCount(name)).toBe(0);
    const own = await call(app, 'POST', '/api/system/projects', { cookie, body: { name }, headers: { origin: app.url } });
    expect(own.status).toBe(201);
    // Reads by cookie need no Origin (that is how <img src> and links work).
    expect((await call(app, 'GET', `/api/system/projects/${name}`, { cookie })).status).toBe(200);
  });

  it('answers 405 for a wrong method on a known path and 404 for unknown routes, in the error shape', async () => {
    const put = await call(app, 'PUT', '/api/system/projects', { token: owner.accessToken, body: {} });
    expect(put.status).toBe(405);
    expect(put.body.code).toBe('METHOD_NOT_SUPPORTED');
    expect(put.headers.get('allow')).toBe('GET, HEAD, POST');
    const del = await call(app, 'DELETE', '/api/system/users/me', { token: owner.accessToken });
    expect(del.status).toBe(405);
    for (const path of ['/api/system/nothing', '/api', '/nothing', '/trpc/nothing.here']) {
      const reply = await call(app, 'GET', path, { token: owner.accessToken });
      expect(reply.status, path).toBe(404);
    }
    expect((await call(app, 'GET', '/api/system/nothing')).body).toEqual({ code: 'NOT_FOUND', message: 'No such route' });
  });

  it('answers HEAD like GET without a body, and 405 where there is no GET', async () => {
    const head = await fetch(`${app.url}/api/system/projects?limit=1`, { method: 'HEAD', headers: { authorization: `Bearer ${owner.accessToken}` } });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await head.text()).toBe('');
    const unauthenticated = await fetch(`${app.url}/api/system/projects`, { method: 'HEAD' });
    expect(unauthenticated.status).toBe(401);
    const noGet = await fetch(`${app.url}/api/auth/login`, { method: 'HEAD' });
    expect(noGet.status).toBe(405);
    expect(noGet.headers.get('allow')).toBe('POST');
  });
});
