import { createHash } from 'node:crypto';
import { readdirSync, existsSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, call, closeDatabases, cookieHeader, createUser, login, signedIn, startApp, type SignedIn, type TestApp } from './harness.js';

afterAll(closeDatabases);

// A real 1×1 PNG: its magic bytes name the type, whatever the client declares.
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

const cases = DATABASES.flatMap((kind) => (['local', 'database'] as const).map((driver) => [kind, driver] as const));

describe.each(cases)('files and assets on %s with %s storage', (kind, driver) => {
  let app: TestApp, owner: SignedIn, member: SignedIn;
  beforeAll(async () => {
    app = await startApp(kind, { STORAGE_DRIVER: driver, MAX_UPLOAD_BYTES: '65536' });
    owner = await signedIn(app, 'owner');
    member = await signedIn(app, 'member');
  });
  afterAll(() => app.close());

  const upload = async (parts: { file?: [Buffer | string, string, string?][]; title?: string }, token?: string, headers: Record<string, string> = {}) => {
    const form = new FormData();
    if (parts.title !== undefined) form.append('title', parts.title);
    for (const [data, filename, type] of parts.file ?? []) form.append('file', new Blob([data], { type: type ?? '' }), filename);
    const res = await fetch(`${app.url}/api/system/assets`, { method: 'POST', body: form, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  /** A multipart body written by hand, for filenames no FormData would send as they are. */
  const uploadRaw = (filenameParam: string, data: string, type = 'application/octet-stream') =>
    call(app, 'POST', '/api/system/assets', {
      token: owner.accessToken,
      raw: `--B0undary\r\nContent-Disposition: form-data; name="file"; ${filenameParam}\r\nContent-Type: ${type}\r\n\r\n${data}\r\n--B0undary--\r\n`,
      headers: { 'content-type': 'multipart/form-data; boundary=B0undary' },
    });
  const download = (id: string, headers: Record<string, string> = {}, query = '') =>
    fetch(`${app.url}/api/system/assets/${id}${query}`, { headers: { authorization: `Bearer ${owner.accessToken}`, ...headers } });
  const fileRows = async (id: string) => (await app.db.selectFrom('files').select('id').where('id', '=', id).execute()).length;
  /** Bytes held by the storage driver, all files together. */
  const storedObjects = async () => {
    if (driver === 'database') return Number((await app.db.selectFrom('file_chunks').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
    const dir = join(app.config.dataDir, 'files');
    return existsSync(dir) ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length : 0;
  };

  it('stores an upload, names its type from the magic bytes, and cleans the filename', async () => {
    const reply = await upload({ file: [[PNG, '../../etc/passwd.png', 'application/octet-stream']], title: 'Logo' }, member.accessToken);
    expect(reply.status).toBe(201);
    expect(reply.body).toEqual({
      id: expect.any(String), filename: 'passwd.png', title: 'Logo', mimeType: 'image/png', size: PNG.length,
      checksum: `sha256:${sha256(PNG)}`, createdAt: expect.any(String), uploadedBy: { type: 'user', id: member.user.id },
    });
    const raw = await uploadRaw('filename="..\\\\..\\\\evil name.txt"', 'hello');
    expect(raw.status).toBe(201);
    expect(raw.body.filename).toBe('evil name.txt');
    const meta = await call(app, 'GET', `/api/system/files/${reply.body.id}`, { token: member.accessToken });
    expect(meta.body).toEqual(reply.body);
    const list = await call(app, 'GET', '/api/system/files?limit=200', { token: member.accessToken });
    expect(list.body.items.map((f: { id: string }) => f.id)).toContain(reply.body.id);
    expect((await call(app, 'GET', '/api/system/files')).status).toBe(401);
  });

  it('serves the bytes with every header, inline only for safe types', async () => {
    const { body: png } = await upload({ file: [[PNG, 'logo.png']] }, owner.accessToken);
    const res = await download(png.id);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
    expect(Object.fromEntries(['content-type', 'content-length', 'etag', 'accept-ranges', 'x-content-type-options', 'content-disposition'].map((h) => [h, res.headers.get(h)]))).toEqual({
      'content-type': 'image/png', 'content-length': String(PNG.length), etag: `"${sha256(PNG)}"`, 'accept-ranges': 'bytes',
      'x-content-type-options': 'nosniff', 'content-disposition': 'inline; filename="logo.png"',
    });
    expect(Date.parse(res.headers.get('last-modified')!)).toBeGreaterThan(Date.now() - 3_600_000);
    expect((await download(png.id, {}, '?download=true')).headers.get('content-disposition')).toBe('attachment; filename="logo.png"');
    expect((await download(png.id, {}, '?download=maybe')).status).toBe(400);

    const html = '<script>alert(1)</script>';
    const { body: page } = await uploadRaw(`filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22%0D%0A.html`, html, 'text/html');
    expect(page.filename).toBe('résumé "final".html');
    expect(page.mimeType).toBe('text/html');
    const served = await download(page.id);
    const disposition = served.headers.get('content-disposition')!;
    expect(disposition.startsWith('attachment;')).toBe(true);
    expect(disposition).toBe(`attachment; filename="resume \\"final\\".html"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22.html`);
    expect(disposition).not.toMatch(/[\r\n]/);
    expect(await served.text()).toBe(html);

    const { body: svg } = await upload({ file: [['<svg xmlns="http://www.w3.org/2000/svg"/>', 'x.svg', 'image/svg+xml']] }, owner.accessToken);
    expect((await download(svg.id)).headers.get('content-disposition')).toMatch(/^attachment/);
    const { body: text } = await upload({ file: [['plain words', 'notes.txt', 'text/plain']] }, owner.accessToken);
    expect((await download(text.id)).headers.get('content-disposition')).toMatch(/^inline/);
  });

  it('answers ranges (206), unsatisfiable ranges (416) and If-None-Match (304)', async () => {
    const data = Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 251));
    const { body } = await upload({ file: [[data, 'numbers.bin']] }, owner.accessToken);
    expect(body.mimeType).toBe('application/octet-stream');
    const part = await download(body.id, { range: 'bytes=100-1099' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 100-1099/3000');
    expect(part.headers.get('content-length')).toBe('1000');
    expect(Buffer.from(await part.arrayBuffer()).equals(data.subarray(100, 1100))).toBe(true);
    const tail = await download(body.id, { range: 'bytes=-10' });
    expect(Buffer.from(await tail.arrayBuffer()).equals(data.subarray(2990))).toBe(true);
    const unsatisfiable = await download(body.id, { range: 'bytes=5000-6000' });
    expect(unsatisfiable.status).toBe(416);
    expect(unsatisfiable.headers.get('content-range')).toBe('bytes */3000');
    const head = await fetch(`${app.url}/api/system/assets/${body.id}`, { method: 'HEAD', headers: { authorization: `Bearer ${owner.accessToken}` } });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('3000');
    expect(await head.text()).toBe('');
    expect(unsatisfiable.headers.get('content-type')).toMatch(/^application\/json/);
    expect(unsatisfiable.headers.get('etag')).toBeNull();
    const longSuffix = await download(body.id, { range: 'bytes=-999999' });
    expect(longSuffix.status).toBe(206);
    expect(longSuffix.headers.get('content-range')).toBe('bytes 0-2999/3000');
    expect((await download(body.id, { range: 'items=0-5' })).status).toBe(200);
    const tag = (await download(body.id)).headers.get('etag')!;
    expect((await download(body.id, { range: 'bytes=0-9', 'if-range': '"other"' })).status).toBe(200);
    expect((await download(body.id, { range: 'bytes=0-9', 'if-range': tag })).status).toBe(206);
    const etag = (await download(body.id)).headers.get('etag')!;
    const cached = await download(body.id, { 'if-none-match': etag });
    expect(cached.status).toBe(304);
    expect((await download(body.id, { 'if-none-match': '"other"' })).status).toBe(200);
  });

  it('serves <img src> through the access cookie, and refuses a cross-origin upload by cookie', async () => {
    const user = await createUser(app, 'member');
    const session = await call(app, 'POST', '/api/auth/login', { body: { email: user.email, password: user.password, mode: 'session' } });
    const cookie = cookieHeader(session.cookies);
    const { body } = await upload({ file: [[PNG, 'img.png']] }, owner.accessToken);
    const viaCookie = await fetch(`${app.url}/api/system/assets/${body.id}`, { headers: { cookie } });
    expect(viaCookie.status).toBe(200);
    const before = await storedObjects();
    const crossSite = await upload({ file: [[PNG, 'x.png']] }, undefined, { cookie, origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    expect((await upload({ file: [[PNG, 'x.png']] }, undefined, { cookie, origin: app.url })).status).toBe(201);
    expect(await storedObjects()).toBe(before + 1);
  });

  it('refuses bad uploads with the right status, and stores nothing', async () => {
    const before = await storedObjects();
    const noRole = await login(app, await createUser(app, null));
    const denied = await upload({ file: [[PNG, 'x.png']] }, noRole.accessToken);
    expect(denied.status).toBe(403);
    expect(denied.body.message).toBe('Missing entitlement file:create');
    expect((await upload({ file: [[PNG, 'x.png']] })).status).toBe(401);
    expect((await upload({ title: 'no file' }, owner.accessToken)).status).toBe(400);
    const two = await upload({ file: [[PNG, 'a.png'], [PNG, 'b.png']] }, owner.accessToken);
    expect(two.status).toBe(400);
    expect(two.body.message).toBe('Exactly one file part is allowed');
    const notMultipart = await call(app, 'POST', '/api/system/assets', { token: owner.accessToken, body: { file: 'x' } });
    expect(notMultipart.status).toBe(415);
    const tooBig = await upload({ file: [[Buffer.alloc(65537, 1), 'big.bin']] }, owner.accessToken);
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.code).toBe('PAYLOAD_TOO_LARGE');
    const truncated = await call(app, 'POST', '/api/system/assets', {
      token: owner.accessToken,
      raw: '--XyZ\r\nContent-Disposition: form-data; name="file"; filename="t.txt"\r\nContent-Type: text/plain\r\n\r\nhalf a body',
      headers: { 'content-type': 'multipart/form-data; boundary=XyZ' },
    });
    expect(truncated.status).toBe(400);
    expect(await storedObjects()).toBe(before);
    const count = await app.db.selectFrom('files').select((eb) => eb.fn.countAll<string>().as('n')).where('filename', 'in', ['a.png', 'big.bin', 't.txt']).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });

  it('takes a file of exactly MAX_UPLOAD_BYTES, and stores nothing for a field that comes before a refused part', async () => {
    const exact = await upload({ file: [[Buffer.alloc(65536, 7), 'exact.bin']] }, owner.accessToken);
    expect(exact.status).toBe(201);
    expect(exact.body.size).toBe(65536);
    const before = await storedObjects();
    for (const [field, value] of [['foo', 'x'], ['title', 'x'.repeat(501)]]) {
      const form = new FormData();
      form.append(field, value);
      form.append('file', new Blob([PNG]), 'after-a-bad-field.png');
      const res = await fetch(`${app.url}/api/system/assets`, { method: 'POST', body: form, headers: { authorization: `Bearer ${owner.accessToken}` } });
      expect(res.status, field).toBe(400);
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(await storedObjects()).toBe(before);
    expect(await app.db.selectFrom('files').select('id').where('filename', '=', 'after-a-bad-field.png').execute()).toEqual([]);
  });

  it('names a part without a type octet-stream unless it reads as text, and drops bidi overrides from names', async () => {
    const raw = (filename: string, data: string) =>
      call(app, 'POST', '/api/system/assets', {
        token: owner.accessToken,
        raw: `--B0undary\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n\r\n${data}\r\n--B0undary--\r\n`,
        headers: { 'content-type': 'multipart/form-data; boundary=B0undary' },
      });
    const binary = await raw('blob', '\u0000\u0001\u0002binary');
    expect(binary.status).toBe(201);
    expect(binary.body.mimeType).toBe('application/octet-stream');
    const text = await raw('notes', 'plain words');
    expect(text.body.mimeType).toBe('text/plain');
    const spoof = await uploadRaw('filename*=UTF-8\'\'%E2%80%AEexe.txt', 'x');
    expect(spoof.status).toBe(201);
    expect(spoof.body.filename).toBe('exe.txt');
  });

  it('stops a narrowed API key at its narrowing, even for its own uploads', async () => {
    const key = async (entitlements: string[]) =>
      (await call(app, 'POST', '/api/system/api-keys', { token: owner.accessToken, body: { name: `k-${entitlements.join()}`, entitlements } })).body.key as string;
    const narrow = await key(['file:create']);
    const { status, body } = await upload({ file: [[PNG, 'by-key.png']] }, narrow);
    expect(status, JSON.stringify(body)).toBe(201);
    expect(body.uploadedBy).toEqual({ type: 'user', id: owner.user.id });
    const refused = await call(app, 'DELETE', `/api/system/assets/${body.id}`, { token: narrow });
    expect(refused.status).toBe(403);
    expect(await fileRows(body.id)).toBe(1);
    expect((await call(app, 'DELETE', `/api/system/assets/${body.id}`, { token: await key(['file:delete:*']) })).status).toBe(204);
    expect(await fileRows(body.id)).toBe(0);
  });

  it('leaves no row and no bytes when the client goes away mid-upload', async () => {
    const before = await storedObjects();
    const boundary = 'AbortBoundary';
    await new Promise<void>((resolve) => {
      const req = request(`${app.url}/api/system/assets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${owner.accessToken}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': '60000' },
      });
      req.on('error', () => resolve());
      req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="gone.bin"\r\n\r\n`);
      req.write(Buffer.alloc(20000, 7));
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 200);
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(await storedObjects()).toBe(before);
    expect((await app.db.selectFrom('files').select('id').where('filename', '=', 'gone.bin').execute()).length).toBe(0);
  });

  it('deletes for the uploader or a holder of file:delete:{id}: row and bytes both go', async () => {
    const other = await signedIn(app, 'member');
    const { body } = await upload({ file: [[PNG, 'mine.png']] }, member.accessToken);
    const before = await storedObjects();
    const denied = await call(app, 'DELETE', `/api/system/assets/${body.id}`, { token: other.accessToken });
    expect(denied.status).toBe(403);
    expect(denied.body.message).toBe(`Missing entitlement file:delete:${body.id}`);
    expect((await call(app, 'DELETE', `/api/system/assets/${body.id}`, { token: member.accessToken })).status).toBe(204);
    expect(await fileRows(body.id)).toBe(0);
    expect(await storedObjects()).toBe(before - 1);
    expect((await download(body.id)).status).toBe(404);
    expect((await call(app, 'GET', `/api/system/files/${body.id}`, { token: owner.accessToken })).status).toBe(404);
    const { body: second } = await upload({ file: [[PNG, 'theirs.png']] }, member.accessToken);
    expect((await call(app, 'DELETE', `/api/system/assets/${second.id}`, { token: owner.accessToken })).status).toBe(204);
    expect((await call(app, 'DELETE', `/api/system/assets/${second.id}`, { token: owner.accessToken })).status).toBe(404);
  });

  it('answers 405 for a wrong method and 400 for a bad id', async () => {
    const put = await call(app, 'PUT', '/api/system/assets', { token: owner.accessToken, body: {} });
    expect(put.status).toBe(405);
    expect((await download('not-a-uuid')).status).toBe(400);
    expect((await download('01900000-0000-7000-8000-000000000000')).status).toBe(404);
  });
});

describe.each(cases)('a file of several storage chunks on %s with %s storage', (kind, driver) => {
  let app: TestApp, owner: SignedIn;
  beforeAll(async () => {
    app = await startApp(kind, { STORAGE_DRIVER: driver, MAX_UPLOAD_BYTES: String(4 * 1024 * 1024) });
    owner = await signedIn(app, 'owner');
  });
  afterAll(() => app.close());

  it('leaves no chunk behind when the upload fails after its first chunk', async () => {
    for (const [size, then] of [[1024 * 1024 + 1, 'field'], [3 * 1024 * 1024, 'file'], [1.5 * 1024 * 1024, 'field']] as const) {
      const form = new FormData();
      form.append('file', new Blob([Buffer.alloc(size, 3)]), 'then-a-field.bin');
      if (then === 'field') form.append('foo', 'x');
      else form.append('file', new Blob([]), 'second.bin');
      const res = await fetch(`${app.url}/api/system/assets`, { method: 'POST', body: form, headers: { authorization: `Bearer ${owner.accessToken}` } });
      expect(res.status).toBe(400);
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(await app.db.selectFrom('files').select('id').where('filename', '=', 'then-a-field.bin').execute()).toEqual([]);
    if (driver === 'database') {
      const orphans = await app.db.selectFrom('file_chunks').select('file_id').where('file_id', 'not in', app.db.selectFrom('files').select('id')).execute();
      expect(orphans).toEqual([]);
    }
  });

  it('comes back byte for byte, whole and in ranges across chunk boundaries', async () => {
    const MiB = 1024 * 1024;
    const data = Buffer.alloc(2.5 * MiB);
    for (let i = 0; i < data.length; i += 4) data.writeUInt32LE((i * 2654435761) >>> 0, i);
    const form = new FormData();
    form.append('file', new Blob([data]), 'big.bin');
    const res = await fetch(`${app.url}/api/system/assets`, { method: 'POST', body: form, headers: { authorization: `Bearer ${owner.accessToken}` } });
    expect(res.status).toBe(201);
    const file = await res.json();
    expect(file).toMatchObject({ size: data.length, checksum: `sha256:${sha256(data)}` });
    if (driver === 'database') {
      const chunks = await app.db.selectFrom('file_chunks').select(['seq']).where('file_id', '=', file.id).orderBy('seq').execute();
      expect(chunks.map((c) => c.seq)).toEqual([0, 1, 2]);
    }
    const get = (range?: string) => fetch(`${app.url}/api/system/assets/${file.id}`, { headers: { authorization: `Bearer ${owner.accessToken}`, ...(range ? { range } : {}) } });
    const whole = await get();
    expect(sha256(Buffer.from(await whole.arrayBuffer()))).toBe(sha256(data));
    for (const [start, end] of [[MiB - 7, MiB + 8], [MiB, 2 * MiB - 1], [10, 2 * MiB + 10], [2 * MiB, data.length - 1]]) {
      const part = await get(`bytes=${start}-${end}`);
      expect(part.status).toBe(206);
      expect(part.headers.get('content-range')).toBe(`bytes ${start}-${end}/${data.length}`);
      expect(Buffer.from(await part.arrayBuffer()).equals(data.subarray(start, end + 1))).toBe(true);
    }
  });
});
