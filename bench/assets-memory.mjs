// Uploads and downloads one large file through the API and reports the server's
// peak RSS growth (issue 5: under 64 MiB for 1 GiB). `--short` moves 32 MiB, for CI.
import { request } from 'node:http';
import { rmSync } from 'node:fs';
import { login, memoryOf, mib, resetPeak, startApi, tempDir } from './lib.mjs';

const short = process.argv.includes('--short');
const SIZE = short ? 32 * 1024 * 1024 : 1024 * 1024 * 1024;
const CHUNK = Buffer.alloc(1024 * 1024, 0x5a);

function upload(url, token) {
  const boundary = 'MemoryBenchBoundary';
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return new Promise((resolve, reject) => {
    const req = request(`${url}/api/system/assets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': head.length + SIZE + tail.length },
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => (res.statusCode === 201 ? resolve(JSON.parse(body)) : reject(new Error(`${res.statusCode} ${body}`))));
    });
    req.on('error', reject);
    req.write(head);
    let sent = 0;
    const pump = () => {
      while (sent < SIZE) {
        const piece = SIZE - sent >= CHUNK.length ? CHUNK : CHUNK.subarray(0, SIZE - sent);
        sent += piece.length;
        if (!req.write(piece)) return req.once('drain', pump);
      }
      req.end(tail);
    };
    pump();
  });
}

async function download(url, token, id) {
  const res = await fetch(`${url}/api/system/assets/${id}`, { headers: { authorization: `Bearer ${token}` } });
  let bytes = 0;
  for await (const chunk of res.body) bytes += chunk.length;
  if (bytes !== SIZE) throw new Error(`downloaded ${bytes} of ${SIZE} bytes`);
}

const runs = [
  ['postgres', 'local'],
  ['postgres', 'database'],
  ['pglite', 'local'],
  ['pglite', 'database'],
];
const only = process.env.BENCH_ONLY?.split(',');

console.log(`asset memory: one ${mib(SIZE / 1024 / 1024)} file up and down; target peak RSS growth < 64 MiB`);
console.log('database | storage  | idle RSS  | peak growth (upload) | peak growth (download) | upload   | download');
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
for (const [database, storage] of runs) {
  if (only && !only.includes(`${database}:${storage}`)) continue;
  const dataDir = tempDir('monospace-bench-');
  const api = await startApi({ DATA_DIR: dataDir, STORAGE_DRIVER: storage, MAX_UPLOAD_BYTES: String(SIZE + 1024), ...(database === 'postgres' ? { DATABASE_URL: databaseUrl } : {}) });
  try {
    const { accessToken } = await login(api.url);
    await new Promise((r) => setTimeout(r, 500));
    const idle = memoryOf(api.pid).rss;
    await resetPeak(api.pid);
    let t = performance.now();
    const file = await upload(api.url, accessToken);
    const uploadS = (performance.now() - t) / 1000;
    const afterUpload = memoryOf(api.pid).peak;
    await resetPeak(api.pid);
    const base = memoryOf(api.pid).rss;
    t = performance.now();
    await download(api.url, accessToken, file.id);
    const downloadS = (performance.now() - t) / 1000;
    const afterDownload = memoryOf(api.pid).peak;
    await fetch(`${api.url}/api/system/assets/${file.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${accessToken}` } });
    console.log(
      `${database.padEnd(8)} | ${storage.padEnd(8)} | ${mib(idle).padStart(9)} | ${mib(afterUpload - idle).padStart(20)} | ${mib(afterDownload - base).padStart(22)} | ${uploadS.toFixed(1).padStart(6)} s | ${downloadS.toFixed(1).padStart(6)} s`,
    );
  } finally {
    await api.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
