import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

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

  it('stops at start with a message naming a bad variable', async () => {
    const run = startServer({ PORT: 'eighty', DATA_DIR: join(tmpdir(), 'unused') });
    expect(await run.exited).toBe(1);
    expect(run.output()).toMatch(/PORT: must be a whole number/);
  });
});
