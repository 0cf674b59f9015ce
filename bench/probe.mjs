// Developer loop: one or more scenarios against the API (and the ceiling) on a seeded
// PostgreSQL database, without the whole benchmark. BENCH_NODE_OPTIONS=--cpu-prof profiles the API.
// node bench/probe.mjs [seconds] [scenario,...]   scenarios: me, rpc, key, users, projects, login, ceiling-me, ceiling-users, ceiling-login
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { json, loadRun, login, startApi, startCeiling, tempDir } from './lib.mjs';
import { seed } from './seed.mjs';

const seconds = Number(process.argv[2] ?? 5);
const wanted = (process.argv[3] ?? 'ceiling-me,me,rpc,users,ceiling-users').split(',');
const AUTH_SECRET = randomBytes(36).toString('base64url');
const PUBLIC_URL = 'http://bench.local';
const url = process.env.PROBE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/monospace_probe';

const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
await admin.connect();
const exists = (await admin.query(`select 1 from pg_database where datname = 'monospace_probe'`)).rowCount;
if (!exists) {
  await admin.query('create database monospace_probe');
  await seed({ url, users: 10_000, projects: 1_000 });
}
await admin.end();

const load = (target, request) => loadRun({ url: target, connections: 50, duration: seconds, request });

const api = await startApi({ AUTH_SECRET, PUBLIC_URL, DATABASE_URL: url, DATA_DIR: tempDir('monospace-probe-'), STORAGE_DRIVER: 'local', LOGIN_MAX_FAILURES: '10000' });
const ceiling = await startCeiling({ databaseUrl: url, authSecret: AUTH_SECRET, issuer: PUBLIC_URL });
const ceilingUrl = ceiling.url;
try {
  const { accessToken } = await login(api.url);
  const bearer = { authorization: `Bearer ${accessToken}` };
  const { key } = await json(`${api.url}/api/system/api-keys`, { method: 'POST', headers: bearer, body: JSON.stringify({ name: 'probe' }) });
  const loginBody = JSON.stringify({ email: 'user1@bench.example', password: 'bench-user-password' });
  const post = { method: 'POST', headers: { 'content-type': 'application/json' }, body: loginBody };
  const scenarios = {
    me: [api.url, { path: '/api/system/users/me', headers: bearer }],
    rpc: [api.url, { path: '/trpc/users.me', headers: bearer }],
    key: [api.url, { path: '/api/system/users/me', headers: { authorization: `Bearer ${key}` } }],
    users: [api.url, { path: '/api/system/users?limit=50', headers: bearer }],
    projects: [api.url, { path: '/api/system/projects?limit=50', headers: bearer }],
    login: [api.url, { path: '/api/auth/login', ...post }],
    'ceiling-me': [ceilingUrl, { path: '/me', headers: bearer }],
    'ceiling-users': [ceilingUrl, { path: '/users', headers: bearer }],
    'ceiling-login': [ceilingUrl, { path: '/login', ...post }],
  };
  for (const name of wanted) {
    const [target, request] = scenarios[name];
    load(target, request); // warm-up
    const r = load(target, request);
    console.log(`${name.padEnd(14)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  errors ${r.errors}`);
  }
} finally {
  ceiling.stop();
  await api.stop();
}
