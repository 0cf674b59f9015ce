import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';

const root = resolve(import.meta.dirname, '../../..');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** The real server as `pnpm start` runs it, from the TypeScript sources. */
function startServer(env: Record<string, string>): Running {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'apps/api/src/server.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, output: () => output, exited };
}

async function waitFor(check: () => boolean | Promise<boolean>, ms = 60_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('timed out');
}

const ready = (port: number) => async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null))?.status === 200;
const freePort = () => 20000 + Math.floor(Math.random() * 20000);

describe('the server process (embedded PGlite)', () => {
  it('creates the owner on first start with a generated password printed once, refuses a second process on the same DATA_DIR, and drains on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'monospace-'));
    dirs.push(dir);
    const port = freePort();
    const first = startServer({ DATA_DIR: dir, PORT: String(port), ADMIN_EMAIL: 'first@example.com' });
    await waitFor(ready(port));
    const printed = /created the owner first@example\.com with the password (\S+)/.exec(first.output());
    expect(printed).not.toBeNull();
    const login = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'first@example.com', password: printed![1] }),
    });
    expect(login.status).toBe(200);

    const second = startServer({ DATA_DIR: dir, PORT: String(freePort()) });
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(/already in use by process \d+/);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    // Reopened: the owner exists, nothing is printed again, and the lock was released.
    const again = startServer({ DATA_DIR: dir, PORT: String(port) });
    await waitFor(ready(port));
    expect(again.output()).not.toMatch(/with the password/);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  }, 120_000);

  it('exits on SIGTERM even when its standard output is gone (a `| tee` stopped first)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'monospace-'));
    dirs.push(dir);
    const port = freePort();
    const run = startServer({ DATA_DIR: dir, PORT: String(port), ADMIN_PASSWORD: 'pipe-closed-1' });
    await waitFor(ready(port));
    run.child.stdout!.destroy(); // the reader of the pipe goes away
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  }, 60_000);

  it('stops at start with a message naming a bad variable', async () => {
    const run = startServer({ PORT: 'eighty', DATA_DIR: join(tmpdir(), 'unused') });
    expect(await run.exited).toBe(1);
    expect(run.output()).toMatch(/PORT: must be a whole number/);
  });
});

const postgresUrl = inject('postgresUrl');

describe.runIf(postgresUrl)('two API processes on one PostgreSQL', () => {
  it('share revocations at once: a logout or a key deletion on one is refused by the other', async () => {
    const name = `ms_two_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    const url = new URL(postgresUrl);
    url.pathname = `/${name}`;
    const env = { DATABASE_URL: url.toString(), ADMIN_EMAIL: 'two@example.com', ADMIN_PASSWORD: 'two-processes-1', AUTH_SECRET: 'a-shared-secret-of-at-least-32-characters', PUBLIC_URL: 'http://api.example.test' };
    const [portA, portB] = [freePort(), freePort()];
    const a = startServer({ ...env, PORT: String(portA), DATA_DIR: mkdtempSync(join(tmpdir(), 'monospace-a-')) });
    await waitFor(ready(portA));
    const b = startServer({ ...env, PORT: String(portB), DATA_DIR: mkdtempSync(join(tmpdir(), 'monospace-b-')) });
    await waitFor(ready(portB));
    const api = (port: number, path: string, init: { method?: string; token?: string; body?: unknown } = {}) =>
      fetch(`http://127.0.0.1:${port}${path}`, {
        method: init.method ?? 'GET',
        headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
    try {
      const tokens = (await (await api(portA, '/api/auth/login', { method: 'POST', body: { email: 'two@example.com', password: 'two-processes-1' } })).json()) as { accessToken: string; refreshToken: string };
      // B has checked (and cached) the caller; A ends the session.
      for (let i = 0; i < 3; i++) expect((await api(portB, '/api/system/users/me', { token: tokens.accessToken })).status).toBe(200);
      expect((await api(portA, '/api/auth/logout', { method: 'POST', body: { refreshToken: tokens.refreshToken } })).status).toBe(204);
      await expect.poll(async () => (await api(portB, '/api/system/users/me', { token: tokens.accessToken })).status, { timeout: 1000, interval: 10 }).toBe(401);

      const owner = (await (await api(portA, '/api/auth/login', { method: 'POST', body: { email: 'two@example.com', password: 'two-processes-1' } })).json()) as { accessToken: string };
      const key = (await (await api(portA, '/api/system/api-keys', { method: 'POST', token: owner.accessToken, body: { name: 'shared' } })).json()) as { id: string; key: string };
      expect((await api(portB, '/api/system/users/me', { token: key.key })).status).toBe(200);
      expect((await api(portA, `/api/system/api-keys/${key.id}`, { method: 'DELETE', token: owner.accessToken })).status).toBe(204);
      await expect.poll(async () => (await api(portB, '/api/system/users/me', { token: key.key })).status, { timeout: 1000, interval: 10 }).toBe(401);
    } finally {
      a.child.kill('SIGTERM');
      b.child.kill('SIGTERM');
      await Promise.all([a.exited, b.exited]);
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  }, 120_000);
});
