import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, UnsecuredJWT, decodeJwt } from 'jose';
import { ADMIN, DATABASES, call, closeDatabases, cookieHeader, createUser, login, signedIn, startApp, type TestApp } from './harness.js';

afterAll(closeDatabases);

describe.each(DATABASES)('auth on %s', (kind) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(kind, { LOGIN_MAX_FAILURES: '3', LOGIN_WINDOW: '15m', REFRESH_REUSE_GRACE: '10' });
  });
  afterAll(() => app.close());

  const me = (token: string) => call(app, 'GET', '/api/system/users/me', { token });

  describe('login', () => {
    it('logs the first owner in with a normalized email, in json mode', async () => {
      const reply = await call(app, 'POST', '/api/auth/login', { body: { email: `  ${ADMIN.email.toUpperCase()} `, password: ADMIN.password } });
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String), expiresIn: 900, tokenType: 'Bearer' });
      expect(reply.cookies).toEqual([]);
      expect(reply.headers.get('cache-control')).toBe('no-store');
      const claims = decodeJwt(reply.body.accessToken);
      expect(claims).toMatchObject({ typ: 'access', iss: 'http://localhost:8080', aud: 'monospace-system-api' });
      expect(claims.exp! - claims.iat!).toBe(900);
      const self = await me(reply.body.accessToken);
      expect(self.status).toBe(200);
      expect(self.body.email).toBe(ADMIN.email);
      expect(self.body.role.name).toBe('owner');
    });

    it('sets lastLoginAt', async () => {
      const user = await createUser(app);
      const before = await app.db.selectFrom('users').select('last_login_at').where('id', '=', user.id).executeTakeFirstOrThrow();
      expect(before.last_login_at).toBeNull();
      const { accessToken } = await login(app, user);
      const after = await me(accessToken);
      expect(Date.parse(after.body.lastLoginAt)).toBeGreaterThan(Date.now() - 60_000);
    });

    it('in session mode sets HttpOnly cookies and leaves the refresh token out of the body', async () => {
      const user = await createUser(app);
      const reply = await call(app, 'POST', '/api/auth/login', { body: { ...user, id: undefined, mode: 'session' } });
      expect(reply.status).toBe(200);
      expect(reply.body.refreshToken).toBeUndefined();
      expect(reply.body.accessToken).toEqual(expect.any(String));
      const access = reply.cookies.find((c) => c.startsWith('ms_access='))!;
      const refresh = reply.cookies.find((c) => c.startsWith('ms_refresh='))!;
      expect(access).toMatch(/HttpOnly/);
      expect(access).toMatch(/Path=\/;/);
      expect(access).toMatch(/SameSite=Lax/);
      expect(access).toMatch(/Max-Age=900/);
      expect(access).not.toMatch(/Secure/);
      expect(refresh).toMatch(/Path=\/api\/auth/);
      expect(refresh).toMatch(/HttpOnly/);
      expect(refresh).toMatch(/Max-Age=604800/);
      // The access cookie authenticates reads (the cookie fallback).
      const self = await call(app, 'GET', '/api/system/users/me', { cookie: cookieHeader(reply.cookies) });
      expect(self.status).toBe(200);
      expect(self.body.id).toBeDefined();
    });

    it('gives an unknown email and a wrong password the same 401 body', async () => {
      const user = await createUser(app);
      const wrong = await call(app, 'POST', '/api/auth/login', { body: { email: user.email, password: 'not-the-password' } });
      const unknown = await call(app, 'POST', '/api/auth/login', { body: { email: 'nobody-at-all@example.com', password: 'not-the-password' } });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(wrong.body).toEqual(unknown.body);
      expect(wrong.body).toEqual({ code: 'UNAUTHORIZED', message: 'Invalid email or password' });
    });

    it('takes about the same time for an unknown email as for a wrong password', async () => {
      const user = await createUser(app);
      const time = async (email: string) => {
        const start = performance.now();
        await call(app, 'POST', '/api/auth/login', { body: { email, password: 'wrong-password' } });
        return performance.now() - start;
      };
      // Both run argon2id: an unknown email is verified against a dummy hash. Checked as a ratio, not a deadline.
      const known: number[] = [];
      const unknown: number[] = [];
      for (let i = 0; i < 2; i++) {
        known.push(await time(user.email));
        unknown.push(await time(`ghost-${i}@example.com`));
      }
      const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      expect(median(unknown)).toBeGreaterThan(median(known) / 4);
    });

    it('refuses a suspended user with 401', async () => {
      const user = await createUser(app, 'member', 'suspended');
      const reply = await call(app, 'POST', '/api/auth/login', { body: { email: user.email, password: user.password } });
      expect(reply.status).toBe(401);
    });

    it('answers 429 with Retry-After after LOGIN_MAX_FAILURES failures for one email, even with the right password', async () => {
      const user = await createUser(app);
      for (let i = 0; i < 3; i++) {
        expect((await call(app, 'POST', '/api/auth/login', { body: { email: user.email, password: 'wrong-password' } })).status).toBe(401);
      }
      const limited = await call(app, 'POST', '/api/auth/login', { body: { email: user.email, password: user.password } });
      expect(limited.status).toBe(429);
      expect(limited.body.code).toBe('TOO_MANY_REQUESTS');
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(900);
      // The window passes (injected clock): the right password works again.
      app.clock.advance(901);
      expect((await call(app, 'POST', '/api/auth/login', { body: { email: user.email, password: user.password } })).status).toBe(200);
    });

    it('counts parallel failures atomically: no attempt slips past the limit', async () => {
      const user = await createUser(app);
      const replies = await Promise.all(
        Array.from({ length: 10 }, () => call(app, 'POST', '/api/auth/login', { body: { email: user.email, password: 'wrong-password' } })),
      );
      expect(replies.filter((r) => r.status === 401)).toHaveLength(3);
      expect(replies.filter((r) => r.status === 429)).toHaveLength(7);
    });

    it('caps RPC batches, so one request cannot carry many guesses', async () => {
      const paths = Array.from({ length: 21 }, () => 'auth.login').join(',');
      const input = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [i, { email: 'batch@example.com', password: `guess-${i}` }]));
      const reply = await call(app, 'POST', `/trpc/${paths}?batch=1`, { body: input });
      expect(reply.status).toBe(400);
    });

    it('refuses bad input with 400 and names the field', async () => {
      const cases = [
        { email: 'not-an-email', password: 'x' },
        { email: 'a@example.com' },
        { email: 'a@example.com', password: 12345678 },
        { email: 'a@example.com', password: 'x', mode: 'cookie' },
        { email: 'a@example.com', password: 'x', role: 'owner' },
      ];
      for (const body of cases) {
        const reply = await call(app, 'POST', '/api/auth/login', { body });
        expect(reply.status, JSON.stringify(body)).toBe(400);
        expect(reply.body.code).toBe('BAD_REQUEST');
        expect(reply.body.issues.length).toBeGreaterThan(0);
      }
      const malformed = await call(app, 'POST', '/api/auth/login', { raw: '{"email":', headers: { 'content-type': 'application/json' } });
      expect(malformed.status).toBe(400);
      expect(malformed.body).toEqual({ code: 'BAD_REQUEST', message: 'Malformed JSON in the request body' });
      const notJson = await call(app, 'POST', '/api/auth/login', { raw: 'email=a', headers: { 'content-type': 'text/plain' } });
      expect(notJson.status).toBe(415);
    });
  });

  describe('access tokens', () => {
    it('refuses forged, foreign and misused tokens with 401', async () => {
      const { user, accessToken, refreshToken } = await signedIn(app);
      const claims = decodeJwt(accessToken);
      const [header, , signature] = accessToken.split('.');
      const otherSub = Buffer.from(JSON.stringify({ ...claims, sub: ADMIN.email })).toString('base64url');
      const forged = [
        new UnsecuredJWT({ ...claims }).encode(),
        await new SignJWT({ ...claims }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('another-secret-another-secret-another')),
        `${header}.${otherSub}.${signature}`,
        refreshToken,
        'not-a-jwt',
        `${accessToken}x`,
      ];
      for (const token of forged) {
        const reply = await me(token);
        expect(reply.status, token).toBe(401);
        expect(reply.body.code).toBe('UNAUTHORIZED');
      }
      expect((await call(app, 'GET', '/api/system/users/me', { headers: { authorization: `Basic ${btoa(user.email)}` } })).status).toBe(401);
      expect((await call(app, 'GET', '/api/system/users/me')).status).toBe(401);
    });

    it('a bad Bearer token is a 401 even with a good cookie (no fall-through)', async () => {
      const user = await createUser(app);
      const session = await call(app, 'POST', '/api/auth/login', { body: { email: user.email, password: user.password, mode: 'session' } });
      const reply = await call(app, 'GET', '/api/system/users/me', { token: 'garbage', cookie: cookieHeader(session.cookies) });
      expect(reply.status).toBe(401);
    });

    it('expires after ACCESS_TOKEN_TTL', async () => {
      const { accessToken } = await signedIn(app);
      app.clock.advance(899);
      expect((await me(accessToken)).status).toBe(200);
      app.clock.advance(2);
      expect((await me(accessToken)).status).toBe(401);
    });
  });

  describe('refresh', () => {
    it('rotates: new tokens work, the presented refresh token stops working', async () => {
      const { refreshToken } = await signedIn(app);
      const first = await call(app, 'POST', '/api/auth/refresh', { body: { refreshToken } });
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String), expiresIn: 900, tokenType: 'Bearer' });
      expect(first.body.refreshToken).not.toBe(refreshToken);
      expect((await me(first.body.accessToken)).status).toBe(200);
      const again = await call(app, 'POST', '/api/auth/refresh', { body: { refreshToken } });
      expect(again.status).toBe(401);
      // Within the grace period the reuse does not end the session.
      expect((await call(app, 'POST', '/api/auth/refresh', { body: { refreshToken: first.body.refreshToken } })).status).toBe(200);
    });

    it('revokes the whole session when a rotated token is presented after the grace period', async () => {
      const { refreshToken } = await signedIn(app);
      const rotated = await call(app, 'POST', '/api/auth/refresh', { body: { refreshToken } });
      expect(rotated.status).toBe(200);
      expect((await me(rotated.body.accessToken)).status).toBe(200); // now a cached caller
      app.clock.advance(11);
      expect((await call(app, 'POST', '/api/auth/refresh', { body: { refreshToken } })).status).toBe(401);
      // Theft detected: the legitimate holder's tokens die too.
      expect((await me(rotated.body.accessToken)).status).toBe(401);
      expect((await call(app, 'POST', '/api/auth/refresh', { body: { refreshToken: rotated.body.refreshToken } })).status).toBe(401);
      const sid = decodeJwt(refreshToken).sid as string;
      const session = await app.db.selectFrom('sessions').select('revoked_at').where('id', '=', sid).executeTakeFirstOrThrow();
      expect(session.revoked_at).not.toBeNull();
    });

    it('of concurrent refreshes with one token, exactly one succeeds', async () => {
      const { refreshToken } = await signedIn(app);
      const replies = await Promise.all(Array.from({ length: 8 }, () => call(app, 'POST', '/api/auth/refresh', { body: { refreshToken } })));
      expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
      expect(replies.filter((r) => r.status === 401)).toHaveLength(7);
      const winner = replies.find((r) => r.status === 200)!;
      expect((await me(winner.body.accessToken)).status).toBe(200);
    });

    it('uses the cookie in session mode, and checks its Origin', async () => {
      const user = await createUser(app);
      const session = await call(app, 'POST', '/api/auth/login', { body: { email: user.email, password: user.password, mode: 'session' } });
      const cookie = cookieHeader(session.cookies);
      const crossSite = await call(app, 'POST', '/api/auth/refresh', { cookie, headers: { origin: 'https://evil.example' } });
      expect(crossSite.status).toBe(403);
      const noOrigin = await call(app, 'POST', '/api/auth/refresh', { cookie });
      expect(noOrigin.status).toBe(403);
      const sameSite = await call(app, 'POST', '/api/auth/refresh', { cookie, headers: { origin: 'http://localhost:8080' } });
      expect(sameSite.status).toBe(200);
      expect(sameSite.body.refreshToken).toBeUndefined();
      expect(sameSite.cookies.some((c) => c.startsWith('ms_refresh='))).toBe(true);
    });

    it('refuses an access token, a missing token and an expired one', async () => {
      const { accessToken, refreshToken } = await signedIn(app);
      expect((await call(app, 'POST', '/api/auth/refresh', { body: { refreshToken: accessToken } })).status).toBe(401);
      expect((await call(app, 'POST', '/api/auth/refresh', { body: {} })).status).toBe(401);
      app.clock.advance(7 * 86400 + 1);
      expect((await call(app, 'POST', '/api/auth/refresh', { body: { refreshToken } })).status).toBe(401);
    });
  });

  describe('logout', () => {
    it("revokes the session: its access and refresh tokens are refused at once", async () => {
      const { accessToken, refreshToken } = await signedIn(app);
      const reply = await call(app, 'POST', '/api/auth/logout', { body: { refreshToken } });
      expect(reply.status).toBe(204);
      expect(reply.cookies.find((c) => c.startsWith('ms_access='))).toMatch(/Max-Age=0/);
      expect(reply.cookies.find((c) => c.startsWith('ms_refresh='))).toMatch(/Max-Age=0/);
      expect((await me(accessToken)).status).toBe(401);
      expect((await call(app, 'POST', '/api/auth/refresh', { body: { refreshToken } })).status).toBe(401);
    });

    it('is idempotent: no token, a bad token or a second logout are still 204', async () => {
      const { refreshToken } = await signedIn(app);
      expect((await call(app, 'POST', '/api/auth/logout')).status).toBe(204);
      expect((await call(app, 'POST', '/api/auth/logout', { body: { refreshToken: 'nonsense' } })).status).toBe(204);
      expect((await call(app, 'POST', '/api/auth/logout', { body: { refreshToken } })).status).toBe(204);
      expect((await call(app, 'POST', '/api/auth/logout', { body: { refreshToken } })).status).toBe(204);
    });

    it('ignores a malformed Authorization header, and checks the Origin of an access-cookie logout', async () => {
      expect((await call(app, 'POST', '/api/auth/logout', { headers: { authorization: 'Basic eHg=' } })).status).toBe(204);
      const user = await createUser(app);
      const session = await call(app, 'POST', '/api/auth/login', { body: { email: user.email, password: user.password, mode: 'session' } });
      const accessOnly = session.cookies.filter((c) => c.startsWith('ms_access=')).map((c) => c.split(';')[0]).join('');
      expect((await call(app, 'POST', '/api/auth/logout', { cookie: accessOnly, headers: { origin: 'https://evil.example' } })).status).toBe(403);
      expect((await call(app, 'GET', '/api/system/users/me', { cookie: accessOnly })).status).toBe(200);
    });

    it('ends a cookie session (from an allowed origin) and refuses a cross-site one', async () => {
      const user = await createUser(app);
      const session = await call(app, 'POST', '/api/auth/login', { body: { email: user.email, password: user.password, mode: 'session' } });
      const cookie = cookieHeader(session.cookies);
      expect((await call(app, 'POST', '/api/auth/logout', { cookie, headers: { origin: 'https://evil.example' } })).status).toBe(403);
      expect((await call(app, 'GET', '/api/system/users/me', { cookie })).status).toBe(200);
      expect((await call(app, 'POST', '/api/auth/logout', { cookie, headers: { referer: 'http://localhost:8080/app/settings' } })).status).toBe(204);
      expect((await call(app, 'GET', '/api/system/users/me', { cookie })).status).toBe(401);
    });
  });

  it('marks cookies Secure with COOKIE_SECURE=true, or on https behind a trusted proxy', async () => {
    const user = await createUser(app);
    const body = { email: user.email, password: user.password, mode: 'session' };
    const forced = await startApp(kind, { COOKIE_SECURE: 'true' });
    const proxied = await startApp(kind, { TRUST_PROXY: 'true' });
    try {
      const a = await call(forced, 'POST', '/api/auth/login', { body });
      expect(a.cookies).toHaveLength(2);
      expect(a.cookies.every((c) => /; Secure/.test(c))).toBe(true);
      const b = await call(proxied, 'POST', '/api/auth/login', { body, headers: { 'x-forwarded-proto': 'https' } });
      expect(b.cookies.every((c) => /; Secure/.test(c))).toBe(true);
      const c = await call(proxied, 'POST', '/api/auth/login', { body });
      expect(c.cookies.some((x) => /; Secure/.test(x))).toBe(false);
    } finally {
      await forced.close();
      await proxied.close();
    }
  });

  it('refresh answers in the mode asked for, whatever the token came from', async () => {
    const { refreshToken } = await signedIn(app);
    const reply = await call(app, 'POST', '/api/auth/refresh', { body: { refreshToken, mode: 'session' } });
    expect(reply.status).toBe(200);
    expect(reply.body.refreshToken).toBeUndefined();
    expect(reply.cookies.map((c) => c.split('=')[0]).sort()).toEqual(['ms_access', 'ms_refresh']);
  });

  it('never writes a password or token to the log', async () => {
    const { accessToken, refreshToken } = await signedIn(app);
    await call(app, 'POST', '/api/auth/refresh', { body: { refreshToken } });
    await me(accessToken);
    const log = app.logs.join('');
    expect(log).toContain('"path":"/api/auth/refresh"');
    expect(log).not.toContain(accessToken);
    expect(log).not.toContain(refreshToken);
    expect(log).not.toContain(ADMIN.password);
    expect(log).not.toContain('correct-horse-battery');
  });
});
