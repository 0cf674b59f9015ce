// `pnpm bench`: the API as in production against PostgreSQL and PGlite, beside an in-repo
// ceiling (bare node:http + jose + pg doing the same minimal work) and the same handlers on
// Express 5 (the floor our framework sets), driven by autocannon from separate processes; each
// ratio pairs runs back to back. `--short` is CI's smoke run: seconds, not a measurement.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { cpus } from 'node:os';
import pg from 'pg';
import { json, loadRun, login, memoryOf, mib, startApi, startCeiling, tempDir } from './lib.mjs';
import { seed } from './seed.mjs';

const short = process.argv.includes('--short');
const CONNECTIONS = short ? 10 : 50;
const WARMUP = short ? 1 : 3;
const DURATION = short ? 1 : 10;
const USERS = short ? 500 : 10_000;
const PROJECTS = short ? 100 : 1_000;
// Each ratio is the median over ROUNDS pairs of back-to-back runs (the reference, then the API),
// so that the machine's drift between minutes does not land in one side only.
const ROUNDS = short ? 1 : Number(process.env.BENCH_ROUNDS ?? 2);
const AUTH_SECRET = randomBytes(36).toString('base64url');
const PUBLIC_URL = 'http://bench.local';
const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function load(url, scenario) {
  const run = (duration) => loadRun({ url, connections: CONNECTIONS, duration, ...scenario });
  if (!scenario.refreshTokens) run(WARMUP);
  return run(DURATION);
}

async function createBenchDatabase() {
  const name = `monospace_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}


const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** The median run (by requests/s) of several. */
const medianRun = (runs) => {
  const rps = median(runs.map((r) => r.rps));
  return runs.reduce((best, r) => (Math.abs(r.rps - rps) < Math.abs(best.rps - rps) ? r : best));
};

/**
 * Runs `measure` ROUNDS times, each right after a run of the reference scenario `kind`;
 * returns the median run, the median ratio of the pairs, and keeps the reference runs.
 */
function paired(references, kind, measure) {
  const runs = [];
  const ratios = [];
  for (let i = 0; i < ROUNDS; i++) {
    const reference = references.run(kind);
    const run = measure();
    runs.push(run);
    ratios.push(run.rps / reference.rps);
  }
  return { ...medianRun(runs), ratio: median(ratios) };
}

const queryCount = async (url) => (await json(`${url}/debug/queries`)).queries;

/** Database queries one request of a scenario makes, measured over sequential requests. */
async function queriesPerRequest(url, request, times = 20) {
  await new Promise((r) => setTimeout(r, 1000)); // let the previous load's in-flight requests finish
  const before = await queryCount(url);
  for (let i = 0; i < times; i++) {
    const res = await fetch(url + request.path, { method: request.method ?? 'GET', headers: request.headers, body: request.body });
    await res.arrayBuffer();
  }
  return (await queryCount(url)) - before;
}

async function benchApi(kind, databaseUrl, dataDir, references) {
  const env = { AUTH_SECRET, PUBLIC_URL, COUNT_QUERIES: 'true', STORAGE_DRIVER: 'local', LOGIN_MAX_FAILURES: '10000', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATA_DIR: dataDir }) };
  const api = await startApi({ ...env, DATA_DIR: dataDir });
  try {
    const { accessToken } = await login(api.url);
    const bearer = { authorization: `Bearer ${accessToken}` };
    const { key } = await json(`${api.url}/api/system/api-keys`, { method: 'POST', headers: bearer, body: JSON.stringify({ name: 'bench' }) });
    const form = new FormData();
    form.append('file', new Blob([randomBytes(1024 * 1024)]), 'one-mib.bin');
    const asset = await (await fetch(`${api.url}/api/system/assets`, { method: 'POST', headers: bearer, body: form })).json();
    const refreshTokens = [];
    for (let i = 0; i < CONNECTIONS; i++) refreshTokens.push((await login(api.url)).refreshToken);
    const batch = Array.from({ length: 10 }, () => 'users.me').join(',');
    const loginBody = JSON.stringify({ email: 'user1@bench.example', password: 'bench-user-password' });

    const scenarios = [
      ['current user, REST', { path: '/api/system/users/me', headers: bearer }, 'me'],
      ['current user, RPC', { path: '/trpc/users.me', headers: bearer }, 'me'],
      ['batch of 10 RPC calls', { path: `/trpc/${batch}?batch=1`, headers: bearer }, null],
      ['current user, API key', { path: '/api/system/users/me', headers: { authorization: `Bearer ${key}` } }, 'me'],
      ['50 users, REST', { path: '/api/system/users?limit=50', headers: bearer }, 'users'],
      ['50 projects, REST', { path: '/api/system/projects?limit=50', headers: bearer }, 'users'],
      ['login', { method: 'POST', path: '/api/auth/login', headers: { 'content-type': 'application/json' }, body: loginBody }, 'login'],
      ['1 MiB asset download', { path: `/api/system/assets/${asset.id}`, headers: bearer }, null],
    ];
    await new Promise((r) => setTimeout(r, 1000));
    const idle = memoryOf(api.pid).rss;
    const rows = [];
    for (const [name, request, ceiling] of scenarios) {
      log(`${kind}: ${name}`);
      const queries = await queriesPerRequest(api.url, request);
      const measure = () => load(api.url, { request });
      rows.push({ name, queries: queries / 20, ...(ceiling ? paired(references, ceiling, measure) : measure()) });
    }
    const before = await queryCount(api.url);
    await json(`${api.url}/api/auth/refresh`, { method: 'POST', body: JSON.stringify({ refreshToken: refreshTokens.pop() }) }).then((t) => refreshTokens.push(t.refreshToken));
    const refreshQueries = (await queryCount(api.url)) - before;
    rows.push({ name: 'refresh', queries: refreshQueries, ...load(api.url, { refreshTokens }) });
    return { kind, startupMs: api.startupMs, idle, peak: memoryOf(api.pid).peak, rows };
  } finally {
    await api.stop();
  }
}

const fmt = (n, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '–');

async function main() {
  const pgDb = await createBenchDatabase();
  const pgliteDir = tempDir('monospace-bench-');
  const results = [];
  let references;
  let floor;
  const servers = [];
  try {
    log('seeding PostgreSQL');
    await seed({ url: pgDb.url, users: USERS, projects: PROJECTS });
    log('ceiling and Express floor');
    const apiForToken = await startApi({ AUTH_SECRET, PUBLIC_URL, DATABASE_URL: pgDb.url, DATA_DIR: tempDir('monospace-bench-') });
    const { accessToken } = await login(apiForToken.url);
    await apiForToken.stop();
    const auth = { authorization: `Bearer ${accessToken}` };
    const requests = {
      me: { path: '/me', headers: auth },
      users: { path: '/users', headers: auth },
      login: { method: 'POST', path: '/login', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'user1@bench.example', password: 'bench-user-password' }) },
    };
    // Both stay up for the whole run: the ceiling is measured again right before each API scenario.
    const ceilingServer = await startCeiling({ databaseUrl: pgDb.url, authSecret: AUTH_SECRET, issuer: PUBLIC_URL });
    servers.push(ceilingServer);
    const floorServer = await startCeiling({ databaseUrl: pgDb.url, authSecret: AUTH_SECRET, issuer: PUBLIC_URL, framework: 'express' });
    servers.push(floorServer);
    const ceilingRuns = { me: [], users: [], login: [] };
    references = {
      runs: ceilingRuns,
      run(kind) {
        const run = load(ceilingServer.url, { request: requests[kind] });
        ceilingRuns[kind].push(run);
        return run;
      },
    };
    floor = Object.fromEntries(Object.keys(requests).map((kind) => [kind, paired(references, kind, () => load(floorServer.url, { request: requests[kind] }))]));

    log('API on PostgreSQL');
    results.push(await benchApi('postgres', pgDb.url, tempDir('monospace-bench-'), references));
    log('API on PGlite');

    // PGlite: startup on a new directory, then seeded and reopened.
    const fresh = await startApi({ AUTH_SECRET, PUBLIC_URL, DATA_DIR: tempDir('monospace-bench-') });
    const pgliteNewMs = fresh.startupMs;
    await fresh.stop();
    await seed({ dataDir: pgliteDir, users: USERS, projects: PROJECTS });
    const pglite = await benchApi('pglite', undefined, pgliteDir, references);
    pglite.startupNewMs = pgliteNewMs;
    results.push(pglite);
  } finally {
    for (const server of servers) server.stop();
    await pgDb.drop();
    rmSync(pgliteDir, { recursive: true, force: true });
  }

  const lines = [];
  lines.push(`Monospace system API benchmark — ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}`);
  lines.push(`${CONNECTIONS} connections, ${DURATION} s after a ${WARMUP} s warm-up; ${USERS} users, ${PROJECTS} projects${short ? ' (SHORT MODE: not a measurement)' : ''}`);
  lines.push('');
  lines.push('| database | scenario | req/s | p50 ms | p99 ms | errors | × ceiling | queries/req |');
  lines.push('|---|---|---:|---:|---:|---:|---:|---:|');
  const REFERENCE_ROWS = [['me', 'verify JWT + user by id'], ['users', 'JWT + page of 50 users'], ['login', 'login (argon2id)']];
  for (const [k, name] of REFERENCE_ROWS) {
    const row = medianRun(references.runs[k]);
    lines.push(`| ceiling | ${name} | ${fmt(row.rps)} | ${fmt(row.p50)} | ${fmt(row.p99)} | ${row.errors} | 1.00 | 1 |`);
  }
  for (const [k, name] of REFERENCE_ROWS) {
    const row = floor[k];
    lines.push(`| Express 5 floor | ${name} | ${fmt(row.rps)} | ${fmt(row.p50)} | ${fmt(row.p99)} | ${row.errors} | ${fmt(row.ratio, 2)} | 1 |`);
  }
  for (const r of results) {
    for (const row of r.rows) {
      lines.push(`| ${r.kind} | ${row.name} | ${fmt(row.rps)} | ${fmt(row.p50)} | ${fmt(row.p99)} | ${row.errors} | ${row.ratio ? fmt(row.ratio, 2) : ''} | ${fmt(row.queries, 2)} |`);
    }
  }
  lines.push('');
  lines.push('| database | start to /readyz | idle RSS | peak RSS |');
  lines.push('|---|---:|---:|---:|');
  for (const r of results) {
    const start = r.kind === 'pglite' ? `${fmt(r.startupNewMs)} ms new dir, ${fmt(r.startupMs)} ms reopened` : `${fmt(r.startupMs)} ms`;
    lines.push(`| ${r.kind} | ${start} | ${mib(r.idle)} | ${mib(r.peak)} |`);
  }
  console.log(lines.join('\n'));
}

const log = (message) => process.stderr.write(`bench: ${message}\n`);
await main().catch((error) => {
  console.error(error);
  process.exit(1);
});
