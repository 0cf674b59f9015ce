import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import SwaggerParser from '@apidevtools/swagger-parser';
import { createClient, errorCode, TRPCClientError } from '@monospace/client';
import { DATABASES, call, closeDatabases, signedIn, startSuite, unique, type SignedIn, type TestApp } from './harness.js';

afterAll(closeDatabases);

describe.each(DATABASES)('system endpoints on %s', (kind) => {
  let app: TestApp, owner: SignedIn, member: SignedIn;
  beforeAll(async () => ({ app, owner, member } = await startSuite(kind)));
  afterAll(() => app.close());

  it('lists the three built-in roles with their grants', async () => {
    const reply = await call(app, 'GET', '/api/system/roles', { token: member.accessToken });
    expect(reply.status).toBe(200);
    const byName = Object.fromEntries(reply.body.items.map((r: { name: string }) => [r.name, r]));
    expect(Object.keys(byName).sort()).toEqual(['admin', 'member', 'owner']);
    expect(byName.owner).toMatchObject({ builtIn: true, entitlements: ['*'] });
    expect(byName.admin.entitlements).toEqual(['*', `!orgRole:assign:${byName.owner.id}`]);
    expect(byName.member.entitlements).toEqual(['file:create']);
    expect(reply.body.nextCursor).toBeNull();
    expect((await call(app, 'GET', '/api/system/roles')).status).toBe(401);
  });

  it('serves the entitlement catalogue to any authenticated caller', async () => {
    const reply = await call(app, 'GET', '/api/system/entitlements', { token: member.accessToken });
    expect(reply.status).toBe(200);
    expect(reply.body.items).toHaveLength(20);
    expect(reply.body.items).toContainEqual({ key: 'project:delete:{id}', description: expect.any(String), scoped: true });
    expect(reply.body.items).toContainEqual({ key: 'project:create', description: expect.any(String), scoped: false });
    expect(reply.body.items.map((e: { key: string }) => e.key)).toEqual(
      expect.arrayContaining(['orgRole:assign:{id}', 'apiKey:read', 'serviceAccount:delete', 'file:delete:{id}', 'orgSettings:edit', 'systemOpenApiSchema:read']),
    );
    expect((await call(app, 'GET', '/api/system/entitlements')).status).toBe(401);
  });

  it('serves a valid OpenAPI 3 document to holders of systemOpenApiSchema:read only', async () => {
    const denied = await call(app, 'GET', '/api/system/openapi', { token: member.accessToken });
    expect(denied.status).toBe(403);
    expect(denied.body.message).toBe('Missing entitlement systemOpenApiSchema:read');
    expect((await call(app, 'GET', '/api/system/openapi')).status).toBe(401);

    const reply = await call(app, 'GET', '/api/system/openapi', { token: owner.accessToken });
    expect(reply.status).toBe(200);
    const doc = reply.body;
    expect(doc.openapi).toMatch(/^3\./);
    await SwaggerParser.validate(structuredClone(doc));
    const paths = Object.keys(doc.paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/auth/login', '/auth/refresh', '/auth/logout', '/system/users/me', '/system/projects', '/system/projects/{project}',
        '/system/roles', '/system/entitlements', '/system/openapi', '/system/api-keys', '/system/api-keys/{key_id}',
        '/system/service-accounts', '/system/service-accounts/{id}', '/system/users', '/system/users/{user_id}', '/system/users/{user_id}/role',
        '/system/invites', '/system/invites/accept', '/system/invites/{invitation_id}', '/system/settings', '/auth/password-change',
        '/auth/password-reset/request', '/auth/password-reset/verify', '/auth/password-reset/confirm',
      ]),
    );
    expect(doc.components.securitySchemes).toMatchObject({ bearer: { type: 'http', scheme: 'bearer' }, apiKey: { type: 'http', scheme: 'bearer' }, cookie: { type: 'apiKey', in: 'cookie', name: 'ms_access' } });
    expect(doc.paths['/system/projects'].post.responses['201']).toBeDefined();
    expect(doc.paths['/system/projects/{project}'].delete.responses['204']).toBeDefined();
    expect(doc.paths['/system/projects'].post['x-entitlement']).toBe('project:create');
    expect(doc.paths['/auth/login'].post.security).toBeUndefined();
    const limit = doc.paths['/system/projects'].get.parameters.find((p: { name: string }) => p.name === 'limit');
    expect(limit.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 200 });
  });

  it('reports health and readiness', async () => {
    const health = await call(app, 'GET', '/healthz');
    expect(health.status).toBe(200);
    const ready = await call(app, 'GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready' });
  });

  it('is callable through the typed client, with errors carrying the contract code', async () => {
    const client = createClient({ url: app.url, token: owner.accessToken });
    const me = await client.users.me.query();
    expect(me.role?.name).toBe('owner');
    const name = unique('client');
    const created = await client.projects.create.mutate({ name, description: 'from the client' });
    expect(created.name).toBe(name);
    // Batched: both calls travel in one request.
    const [page, roles] = await Promise.all([client.projects.list.query({ search: name, limit: 5 }), client.roles.list.query({})]);
    expect(page.items.map((p) => p.id)).toEqual([created.id]);
    expect(roles.items.length).toBe(3);

    const memberClient = createClient({ url: app.url, getToken: () => member.accessToken });
    const failure = await memberClient.projects.delete.mutate({ project: name }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TRPCClientError);
    expect(errorCode(failure)).toBe('FORBIDDEN');
    const anonymous = await createClient({ url: app.url }).users.me.query().catch((e: unknown) => e);
    expect(errorCode(anonymous)).toBe('UNAUTHORIZED');
  });

  it('logs in and refreshes over RPC too, with the same rules', async () => {
    const client = createClient({ url: app.url });
    const bad = await client.auth.login.mutate({ email: 'nobody@example.com', password: 'wrong-password' }).catch((e: unknown) => e);
    expect(errorCode(bad)).toBe('UNAUTHORIZED');
    const { user } = await signedIn(app);
    const tokens = await client.auth.login.mutate({ email: user.email, password: user.password });
    const rotated = await client.auth.refresh.mutate({ refreshToken: tokens.refreshToken! });
    expect(rotated.accessToken).toEqual(expect.any(String));
    const reuse = await client.auth.refresh.mutate({ refreshToken: tokens.refreshToken! }).catch((e: unknown) => e);
    expect(errorCode(reuse)).toBe('UNAUTHORIZED');
  });

  it('hides internal errors: a 500 carries no stack, SQL or path', async () => {
    // Break the database under one app instance: every query fails inside the procedure.
    await app.db.schema.alterTable('projects').renameTo('projects_moved').execute();
    try {
      const reply = await call(app, 'GET', '/api/system/projects', { token: owner.accessToken });
      expect(reply.status).toBe(500);
      expect(reply.body).toEqual({ code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' });
      const rpc = await call(app, 'GET', `/trpc/projects.list?input=${encodeURIComponent('{}')}`, { token: owner.accessToken });
      expect(rpc.status).toBe(500);
      expect(JSON.stringify(rpc.body)).not.toMatch(/relation|select|stack|\/work\/|does not exist/i);
      expect(rpc.body.error.message).toBe('Internal server error');
    } finally {
      await app.db.schema.alterTable('projects_moved').renameTo('projects').execute();
    }
  });
});
