// Shared by the benchmarks: start the built API as in production, measure it from outside.
import { execFileSync, fork, spawn } from 'node:child_process';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '..');

export const tempDir = (prefix) => mkdtempSync(join(tmpdir(), prefix));

/** Resident and peak resident memory of a process, in MiB (Linux /proc). */
export function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

/** Resets VmHWM so the next peak is measured from now (Linux: write 5 to clear_refs). */
export async function resetPeak(pid) {
  const { writeFileSync } = await import('node:fs');
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

export async function waitForReady(url, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const ok = await fetch(`${url}/readyz`).then((r) => r.status === 200, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${url} did not become ready`);
}

let nextPort = 18000 + Math.floor(Math.random() * 1000);

/** The API as `pnpm start` runs it (built JavaScript), on its own port. */
export async function startApi(env = {}) {
  const port = nextPort++;
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  // BENCH_NODE_ARGS: flags Node refuses in NODE_OPTIONS, such as --cpu-prof.
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, join(root, 'apps/api/dist/server.js')], {
    cwd: root,
    env: { PATH: process.env.PATH, NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS ?? '', NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ADMIN_EMAIL: 'bench@example.com', ADMIN_PASSWORD: 'bench-password-1', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((r) => child.on('exit', r));
  await waitForReady(url);
  return {
    url,
    pid: child.pid,
    startupMs: performance.now() - started,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function json(url, init = {}) {
  const res = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...init.headers } });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

export const login = (url, email = 'bench@example.com', password = 'bench-password-1') =>
  json(`${url}/api/auth/login`, { method: 'POST', body: JSON.stringify({ email, password }) });

export const mib = (n) => `${n.toFixed(1)} MiB`;

/** The ceiling (or, with framework `express`, the Express floor) of bench/ceiling.mjs, on its own port. */
export async function startCeiling({ databaseUrl, authSecret, issuer, framework = 'node:http' }) {
  const port = 17000 + Math.floor(Math.random() * 900);
  const env = { ...process.env, DATABASE_URL: databaseUrl, AUTH_SECRET: authSecret, PORT: String(port), ISSUER: issuer, CEILING_FRAMEWORK: framework };
  const child = fork(join(root, 'bench/ceiling.mjs'), [], { env, stdio: 'inherit' });
  await new Promise((resolve) => child.once('message', resolve));
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}

/** One autocannon run from its own process (bench/load.mjs): { rps, p50, p99, errors }. */
export function loadRun(options) {
  return JSON.parse(execFileSync(process.execPath, [join(root, 'bench/load.mjs'), JSON.stringify(options)], { encoding: 'utf8', maxBuffer: 1 << 20 }));
}
