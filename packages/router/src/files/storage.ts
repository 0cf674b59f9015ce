import { createReadStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ChunkStore } from '@monospace/db';

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
 * chunk at a time: for several API instances that share no disk. The incoming
 * buffers of a chunk are handed on as they are, never joined.
 */
export function databaseStorage(chunks: ChunkStore): Storage {
  return {
    async write(key, body) {
      let seq = 0;
      const pending: Buffer[] = [];
      let pendingBytes = 0;
      // The chunk being written when the body fails must land before the cleanup runs, or it would outlive it.
      let writing: Promise<void> = Promise.resolve();
      const flush = async (all: boolean) => {
        while (pendingBytes >= CHUNK || (all && pendingBytes > 0)) {
          const pieces: Buffer[] = [];
          let size = 0;
          while (size < CHUNK && pending.length) {
            const piece = pending[0]!;
            const take = Math.min(piece.length, CHUNK - size);
            pieces.push(take === piece.length ? piece : piece.subarray(0, take));
            if (take === piece.length) pending.shift();
            else pending[0] = piece.subarray(take);
            size += take;
          }
          pendingBytes -= size;
          await chunks.write(key, seq++, pieces);
        }
      };
      try {
        await pipeline(
          body,
          new Writable({
            write(data: Buffer, _encoding, done) {
              pending.push(data);
              pendingBytes += data.length;
              writing = flush(false);
              writing.then(() => done(), done);
            },
            final(done) {
              writing = flush(true);
              writing.then(() => done(), done);
            },
          }),
        );
      } catch (error) {
        await writing.catch(() => {});
        await chunks.removeAll(key);
        throw error;
      }
    },
    read(key, size, range) {
      const start = range?.start ?? 0;
      const end = range?.end ?? size - 1;
      async function* pieces() {
        for (let seq = Math.floor(start / CHUNK); seq * CHUNK <= end; seq++) {
          const chunk = await chunks.read(key, seq);
          if (!chunk) throw new Error('file chunk missing');
          let offset = seq * CHUNK;
          for (const piece of chunk) {
            const from = Math.max(start - offset, 0);
            const to = Math.min(end - offset + 1, piece.length);
            if (from < to) yield piece.subarray(from, to);
            offset += piece.length;
          }
        }
      }
      return Readable.from(size === 0 ? [] : pieces(), { objectMode: false });
    },
    async remove(key) {
      await chunks.removeAll(key);
    },
  };
}
