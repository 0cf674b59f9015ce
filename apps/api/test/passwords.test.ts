import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, call, closeDatabases, createUser, login, signedIn, startApp, type TestApp } from './harness.js';
import { TestSmtp, tokenFrom } from './smtp.js';

afterAll(closeDatabases);

describe.each(DATABASES)('passwords on %s', (kind) => {
  let app: TestApp;
  const smtp = new TestSmtp();
  beforeAll(async () => {
    await smtp.start();
    app = await startApp(kind, { SMTP_URL: smtp.url, PASSWORD_RESET_TTL: '1h' });
  });
  afterAll(async () => {
    await app.close();
    await smtp.stop();
  });

  const me = (token: string) => call(app, 'GET', '/api/system/users/me', { token });
  const requestReset = (email: string, extra: Record<string, unknown> = {}) => call(app, 'POST', '/api/auth/password-reset/request', { body: { email, ...extra } });
  const verify = (token: string) => call(app, 'GET', `/api/auth/password-reset/verify?token=${encodeURIComponent(token)}`);
  const confirm = (token: string, password: string) => call(app, 'POST', '/api/auth/password-reset/confirm', { body: { token, password } });

  describe('change', () => {
    it('needs the current password, applies the policy, and ends every other session', async () => {
      const user = await createUser(app);
      const here = await login(app, user);
      const elsewhere = await login(app, user);
      const change = (body: unknown, token = here.accessToken) => call(app, 'POST', '/api/auth/password-change', { token, body });

      const wrong = await change({ currentPassword: 'not-it', newPassword: 'a-brand-new-secret' });
      expect(wrong.status).toBe(403);
      for (const weak of ['short', 'password1', user.email]) {
        const reply = await change({ currentPassword: user.password, newPassword: weak });
        expect(reply.status, weak).toBe(400);
        expect(reply.body.issues[0].path).toEqual(['newPassword']);
      }
      expect((await change({ currentPassword: user.password, newPassword: 'a-brand-new-secret', extra: 1 })).status).toBe(400);
      expect((await login(app, user)).accessToken).toBeDefined(); // nothing changed yet

      expect((await change({ currentPassword: user.password, newPassword: 'a-brand-new-secret' })).status).toBe(204);
      expect((await me(here.accessToken)).status).toBe(200);
      expect((await me(elsewhere.accessToken)).status).toBe(401);
      expect((await call(app, 'POST', '/api/auth/refresh', { body: { refreshToken: elsewhere.refreshToken } })).status).toBe(401);
      expect((await call(app, 'POST', '/api/auth/login', { body: { email: user.email, password: user.password } })).status).toBe(401);
      expect((await login(app, { email: user.email, password: 'a-brand-new-secret' })).accessToken).toBeDefined();
    });

    it('limits wrong current passwords like logins, and kills pending reset links', async () => {
      const user = await createUser(app);
      const { accessToken } = await login(app, user);
      await requestReset(user.email);
      const { token } = tokenFrom(await smtp.mailTo(user.email));
      expect((await call(app, 'POST', '/api/auth/password-change', { token: accessToken, body: { currentPassword: user.password, newPassword: 'yet-another-secret' } })).status).toBe(204);
      expect((await verify(token)).status).toBe(400);
      let status = 0;
      for (let i = 0; i < 12 && status !== 429; i++) {
        status = (await call(app, 'POST', '/api/auth/password-change', { token: accessToken, body: { currentPassword: `guess-${i}`, newPassword: 'whatever-secret' } })).status;
      }
      expect(status).toBe(429);
    });

    it('refuses API keys and anonymous callers', async () => {
      const owner = await signedIn(app, 'owner');
      const { body: key } = await call(app, 'POST', '/api/system/api-keys', { token: owner.accessToken, body: { name: 'k' } });
      const body = { currentPassword: owner.user.password, newPassword: 'another-fine-secret' };
      expect((await call(app, 'POST', '/api/auth/password-change', { token: key.key, body })).status).toBe(401);
      expect((await call(app, 'POST', '/api/auth/password-change', { body })).status).toBe(401);
    });
  });

  describe('reset', () => {
    it('mails a link that verifies, sets the password once, and ends every session', async () => {
      const user = await createUser(app);
      const session = await login(app, user);
      const reply = await requestReset(user.email.toUpperCase());
      expect(reply.status).toBe(202);
      const { link, token } = tokenFrom(await smtp.mailTo(user.email));
      expect(link.startsWith('http://localhost:8080/reset-password?token=')).toBe(true);
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const rows = await app.db.selectFrom('password_resets').selectAll().execute();
      expect(JSON.stringify(rows)).not.toContain(token);

      const checked = await verify(token);
      expect(checked.status).toBe(200);
      expect(checked.body).toEqual({ valid: true, expiresAt: expect.any(String) });
      expect(Date.parse(checked.body.expiresAt) - Date.now()).toBeGreaterThan(3500_000);

      const weak = await confirm(token, '123456');
      expect(weak.status).toBe(400);
      expect(weak.body.issues[0].path).toEqual(['password']);
      expect((await verify(token)).status).toBe(200); // a refused password does not use the token

      expect((await confirm(token, 'reset-and-renewed')).status).toBe(204);
      expect((await me(session.accessToken)).status).toBe(401);
      expect((await login(app, { email: user.email, password: 'reset-and-renewed' })).accessToken).toBeDefined();
      expect((await confirm(token, 'reset-once-more')).status).toBe(400);
      expect((await verify(token)).status).toBe(400);
    });

    it('answers unknown emails exactly like known ones, in about the same time', async () => {
      const user = await createUser(app);
      const known = await requestReset(user.email);
      const unknown = await requestReset('no-such-person@example.com');
      expect(unknown.status).toBe(known.status);
      expect(unknown.body).toEqual(known.body);
      const time = async (email: string) => {
        const start = performance.now();
        await requestReset(email);
        return performance.now() - start;
      };
      const a = [await time(user.email), await time('ghost-1@example.com'), await time(user.email), await time('ghost-2@example.com')];
      const knownMs = Math.min(a[0]!, a[2]!);
      const unknownMs = Math.min(a[1]!, a[3]!);
      expect(unknownMs).toBeGreaterThan(knownMs / 10);
      expect(knownMs).toBeLessThan(unknownMs * 10 + 50);
    });

    it('supersedes older tokens with a newer request, and expires after PASSWORD_RESET_TTL', async () => {
      const user = await createUser(app);
      await requestReset(user.email);
      const first = tokenFrom(await smtp.mailTo(user.email)).token;
      const before = smtp.count(user.email);
      await requestReset(user.email);
      await expect.poll(() => smtp.count(user.email)).toBe(before + 1);
      const second = tokenFrom(await smtp.mailTo(user.email)).token;
      expect(second).not.toBe(first);
      expect((await verify(first)).status).toBe(400);
      expect((await verify(second)).status).toBe(200);
      app.clock.advance(3601);
      expect((await verify(second)).status).toBe(400);
      expect((await confirm(second, 'too-late-for-this')).status).toBe(400);
    });

    it('kills a pending reset link when the email changes', async () => {
      const user = await createUser(app);
      await requestReset(user.email);
      const { token } = tokenFrom(await smtp.mailTo(user.email));
      const owner = await signedIn(app, 'owner');
      await call(app, 'PATCH', `/api/system/users/${user.id}`, { token: owner.accessToken, body: { email: `moved-${user.email}` } });
      expect((await verify(token)).status).toBe(400);
    });

    it('points links at settings.publicUrl when it is set', async () => {
      const owner = await signedIn(app, 'owner');
      await call(app, 'PATCH', '/api/system/settings', { token: owner.accessToken, body: { publicUrl: 'https://app.example.com' } });
      try {
        const user = await createUser(app);
        expect((await requestReset(user.email)).status).toBe(202);
        expect(tokenFrom(await smtp.mailTo(user.email)).link).toMatch(/^https:\/\/app\.example\.com\/reset-password\?token=/);
        expect((await requestReset(user.email, { resetUrl: 'https://app.example.com/r' })).status).toBe(202);
      } finally {
        await call(app, 'PATCH', '/api/system/settings', { token: owner.accessToken, body: { publicUrl: null } });
      }
    });

    it('lets exactly one of two concurrent confirms through', async () => {
      const user = await createUser(app);
      await requestReset(user.email);
      const { token } = tokenFrom(await smtp.mailTo(user.email));
      const replies = await Promise.all([confirm(token, 'first-racer-pass'), confirm(token, 'second-racer-pass')]);
      expect(replies.map((r) => r.status).sort()).toEqual([204, 400]);
    });

    it('refuses a resetUrl outside the allowed origins, and uses an allowed one', async () => {
      const user = await createUser(app);
      const bad = await requestReset(user.email, { resetUrl: 'https://evil.example/steal' });
      expect(bad.status).toBe(400);
      expect(bad.body.issues[0].path).toEqual(['resetUrl']);
      const owner = await signedIn(app, 'owner');
      await call(app, 'PATCH', '/api/system/settings', { token: owner.accessToken, body: { allowedRedirectUrls: ['https://app.example.com/auth'] } });
      expect((await requestReset(user.email, { resetUrl: 'https://app.example.com.evil.example/auth' })).status).toBe(400);
      expect((await requestReset(user.email, { resetUrl: 'https://app.example.com/other' })).status).toBe(400);
      expect((await requestReset(user.email, { resetUrl: 'https://app.example.com/auth/reset?lang=en' })).status).toBe(202);
      await expect.poll(async () => (await smtp.mailTo(user.email)).raw.includes('app.example.com')).toBe(true);
      expect(tokenFrom(await smtp.mailTo(user.email)).link).toMatch(/^https:\/\/app\.example\.com\/auth\/reset\?lang=en&token=/);
      expect((await requestReset(user.email, { resetUrl: 'http://localhost:8080/custom-reset' })).status).toBe(202);
      await call(app, 'PATCH', '/api/system/settings', { token: owner.accessToken, body: { allowedRedirectUrls: [] } });
    });

    it('limits requests per email, for unknown emails too, with 429 and Retry-After', async () => {
      for (const email of [(await createUser(app)).email, 'nobody-here@example.com']) {
        for (let i = 0; i < 5; i++) expect((await requestReset(email)).status).toBe(202);
        const limited = await requestReset(email);
        expect(limited.status).toBe(429);
        expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      }
    });

    it('keeps the message while SMTP is down, and delivers it when SMTP is back', async () => {
      const user = await createUser(app);
      await smtp.stop();
      expect((await requestReset(user.email)).status).toBe(202);
      await expect
        .poll(async () => (await app.db.selectFrom('mail_outbox').select('attempts').where('recipient', '=', user.email).executeTakeFirst())?.attempts ?? 0, { timeout: 15_000 })
        .toBeGreaterThan(0);
      expect(smtp.count(user.email)).toBe(0);
      await smtp.start();
      app.clock.advance(120); // past the retry backoff
      const { token } = tokenFrom(await smtp.mailTo(user.email, 15_000));
      expect((await verify(token)).status).toBe(200);
      const row = await app.db.selectFrom('mail_outbox').select(['sent_at', 'attempts']).where('recipient', '=', user.email).executeTakeFirstOrThrow();
      expect(row.sent_at).not.toBeNull();
    });
  });

  it('without SMTP_URL writes the mail, link included, to the log', async () => {
    await app.app.stop(); // the SMTP app's sender would otherwise race for the shared outbox
    const logged = await startApp(kind);
    try {
      const user = await createUser(logged);
      expect((await call(logged, 'POST', '/api/auth/password-reset/request', { body: { email: user.email } })).status).toBe(202);
      await expect.poll(() => logged.logs.some((l) => l.includes(user.email) && l.includes('reset-password?token='))).toBe(true);
    } finally {
      await logged.close();
    }
  });
});
