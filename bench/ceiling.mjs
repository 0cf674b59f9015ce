// The ceiling: a bare node:http server doing the minimum the API's endpoints do
// (verify the JWT and read the user by id; read a keyset page of 50 users; log in
// with argon2id at the same cost), with the same libraries, against the same PostgreSQL.
// CEILING_FRAMEWORK=express serves the very same handlers from an Express 5 app instead:
// the "Express floor", what the framework the API is built on costs by itself.
import { createServer } from 'node:http';
import pg from 'pg';
import { jwtVerify, SignJWT } from 'jose';
import { verify } from '@node-rs/argon2';

const { DATABASE_URL, AUTH_SECRET, PORT, ISSUER, CEILING_FRAMEWORK } = process.env;
const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 10 });
const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(AUTH_SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
const verifyOptions = { algorithms: ['HS256'], issuer: ISSUER, audience: 'monospace-system-api' };
const USER = 'id, email, name, status, role_id, created_at, updated_at, last_login_at';

const send = (res, status, body) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

async function authed(req) {
  const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  const { payload } = await jwtVerify(token, key, verifyOptions);
  return payload;
}

const routes = {
  'GET /me': async (req, res) => {
    const claims = await authed(req);
    const { rows } = await pool.query(`select ${USER} from users where id = $1`, [claims.sub]);
    send(res, 200, rows[0]);
  },
  'GET /users': async (req, res) => {
    await authed(req);
    const { rows } = await pool.query(`select ${USER} from users order by created_at, id limit 51`);
    send(res, 200, { items: rows.slice(0, 50), nextCursor: 'x' });
  },
  'POST /login': async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const { email, password } = JSON.parse(body);
    const { rows } = await pool.query('select id, password_hash from users where email = $1', [email]);
    if (!rows[0] || !(await verify(rows[0].password_hash, password))) return send(res, 401, { code: 'UNAUTHORIZED' });
    const accessToken = await new SignJWT({ typ: 'access', sid: rows[0].id }).setProtectedHeader({ alg: 'HS256' }).setSubject(rows[0].id).setIssuer(ISSUER).setAudience('monospace-system-api').setIssuedAt().setExpirationTime('15m').sign(key);
    send(res, 200, { accessToken });
  },
};

const guarded = (handler) => (req, res) => handler(req, res).catch(() => send(res, 401, { code: 'UNAUTHORIZED' }));

let server;
if (CEILING_FRAMEWORK === 'express') {
  const { default: express } = await import('express');
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  for (const [route, handler] of Object.entries(routes)) {
    const [method, path] = route.split(' ');
    app[method.toLowerCase()](path, guarded(handler));
  }
  server = createServer(app);
} else {
  server = createServer((req, res) => {
    const handler = routes[`${req.method} ${req.url}`];
    if (!handler) return send(res, 404, { code: 'NOT_FOUND' });
    guarded(handler)(req, res);
  });
}
server.listen(Number(PORT), '127.0.0.1', () => process.send?.('ready'));
