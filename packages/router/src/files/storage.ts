import { createReadStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Database, Kysely } from '@monospace/db';
import { deleteChunks, insertChunk, readChunk } from './queries.js';

/** Inclusive byte range, as HTTP ranges are. */
export interface ByteRange {
  start: number;
  end: number;
}

/** Where file bytes live. `write` stores all of a stream or, failing, leaves nothing behind. */
export interface Storage {
  write(key: string, body: Readable): Promise<void>;
  read(key: string, size: number, range?: ByteRange): Readable;
  remove(key: string): Promise<void>;
}

/** Files under a directory, written to a temporary name and renamed into place when complete. */
export function localStorage(root: string): Storage {
  const pathOf = (key: string) => join(root, key.slice(-2), key);
  return {
    async write(key, body) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      const temp = `${path}.${randomBytes(6).toString('hex')}.partial`;
      try {
        await pipeline(body, createWriteStream(temp, { flags: 'wx' }));
        await rename(temp, path);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
    },
    read(key, _size, range) {
      return createReadStream(pathOf(key), range ? { start: range.start, end: range.end } : {});
    },
    async remove(key) {
      await rm(pathOf(key), { force: true });
    },
  };
}

const CHUNK = 1024 * 1024;

/**
 * Bytes in PostgreSQL (or PGlite), in 1 MiB chunks, streamed in and out one
 * chunk at a time: for several API instances that share no disk.
 */
export function databaseStorage(db: Kysely<Database>): Storage {
  return {
    async write(key, body) {
      let seq = 0;
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      const flush = async (all: boolean) => {
        while (pendingBytes >= CHUNK || (all && pendingBytes > 0)) {
          const joined = Buffer.concat(pending, pendingBytes);
          const chunk = joined.subarray(0, Math.min(CHUNK, joined.length));
          const rest = joined.subarray(chunk.length);
          await insertChunk(db, key, seq++, chunk);
          pending = rest.length ? [Buffer.from(rest)] : [];
          pendingBytes = rest.length;
        }
      };
      try {
        await pipeline(
          body,
          new Writable({
            write(data: Buffer, _encoding, done) {
              pending.push(data);
              pendingBytes += data.length;
              flush(false).then(() => done(), done);
            },
            final(done) {
              flush(true).then(() => done(), done);
            },
          }),
        );
      } catch (error) {
        await deleteChunks(db, key);
        throw error;
      }
    },
    read(key, size, range) {
      const start = range?.start ?? 0;
      const end = range?.end ?? size - 1;
      async function* chunks() {
        for (let seq = Math.floor(start / CHUNK); seq * CHUNK <= end; seq++) {
          const data = await readChunk(db, key, seq);
          if (!data) throw new Error('file chunk missing');
          const buffer = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
          const from = Math.max(start - seq * CHUNK, 0);
          const to = Math.min(end - seq * CHUNK + 1, buffer.length);
          yield buffer.subarray(from, to);
        }
      }
      return Readable.from(size === 0 ? [] : chunks(), { objectMode: false });
    },
    async remove(key) {
      await deleteChunks(db, key);
    },
  };
}
