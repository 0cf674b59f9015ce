import type { Kysely } from 'kysely';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import type { Database } from './types.js';

/**
 * Moves the bytea chunks of the `database` storage driver in and out. A chunk
 * travels as a list of buffers so that nobody has to join it into one.
 */
export interface ChunkStore {
  write(fileId: string, seq: number, pieces: readonly Buffer[]): Promise<void>;
  /** The chunk's bytes as pieces, or undefined when there is no such chunk. */
  read(fileId: string, seq: number): Promise<Buffer[] | undefined>;
  removeAll(fileId: string): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// COPY's binary format: a 19-byte header, tuples of (int16 field count, then int32 length + bytes
// per field), and an int16 -1 trailer.
const COPY_HEADER = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);
const COPY_TRAILER = Buffer.from([0xff, 0xff]);
const TUPLE_HEAD = 2 + 4; // field count and the length of the one field read back

function checkedUuid(fileId: string): string {
  if (!UUID.test(fileId)) throw new Error('file chunk key must be a UUID');
  return fileId.toLowerCase();
}

/** The bytes [from, to) of a list of pieces, without copying. */
function slicePieces(pieces: readonly Buffer[], from: number, to: number): Buffer[] {
  const out: Buffer[] = [];
  let offset = 0;
  for (const piece of pieces) {
    const start = Math.max(from - offset, 0);
    const end = Math.min(to - offset, piece.length);
    if (start < end) out.push(piece.subarray(start, end));
    offset += piece.length;
    if (offset >= to) break;
  }
  return out;
}

/** Runs `use` on a pooled client; a client whose COPY failed half-way is discarded, not reused. */
async function withClient<T>(pool: pg.Pool, use: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    const result = await use(client);
    client.release();
    return result;
  } catch (error) {
    client.release(error instanceof Error ? error : true);
    throw error;
  }
}

/**
 * PostgreSQL through `COPY … (FORMAT binary)`: the bytes go to the socket as they
 * are and come back as the buffers the socket read, where a bytea parameter or
 * result would be copied into one message and read back as a hex string twice its size.
 */
export function copyChunkStore(pool: pg.Pool): ChunkStore {
  return {
    write(fileId, seq, pieces) {
      const size = pieces.reduce((n, p) => n + p.length, 0);
      const tuple = Buffer.alloc(2 + 4 + 16 + 4 + 4 + 4);
      let at = tuple.writeInt16BE(3, 0);
      at = tuple.writeInt32BE(16, at);
      at += tuple.write(checkedUuid(fileId).replaceAll('-', ''), at, 'hex');
      at = tuple.writeInt32BE(4, at);
      at = tuple.writeInt32BE(seq, at);
      tuple.writeInt32BE(size, at);
      return withClient(pool, (client) => new Promise<void>((resolve, reject) => {
        const stream = client.query(copyStreams.from('copy file_chunks (file_id, seq, data) from stdin (format binary)'));
        stream.on('error', reject);
        stream.on('finish', () => resolve());
        stream.write(COPY_HEADER);
        stream.write(tuple);
        for (const piece of pieces) stream.write(piece);
        stream.end(COPY_TRAILER);
      }));
    },
    read(fileId, seq) {
      if (!Number.isSafeInteger(seq) || seq < 0) throw new Error('file chunk seq must be a natural number');
      const text = `copy (select data from file_chunks where file_id = '${checkedUuid(fileId)}' and seq = ${seq}) to stdout (format binary)`;
      return withClient(pool, (client) => new Promise<Buffer[] | undefined>((resolve, reject) => {
        const pieces: Buffer[] = [];
        let total = 0;
        const stream = client.query(copyStreams.to(text));
        stream.on('data', (piece: Buffer) => {
          pieces.push(piece);
          total += piece.length;
        });
        stream.on('error', reject);
        stream.on('end', () => {
          const start = COPY_HEADER.length + TUPLE_HEAD;
          const end = total - COPY_TRAILER.length;
          resolve(end < start ? undefined : slicePieces(pieces, start, end));
        });
      }));
    },
    async removeAll(fileId) {
      await pool.query('delete from file_chunks where file_id = $1', [fileId]);
    },
  };
}

/** Plain parameters and results, for PGlite (in-process: no protocol to spare). */
export function sqlChunkStore(db: Kysely<Database>): ChunkStore {
  return {
    async write(fileId, seq, pieces) {
      await db.insertInto('file_chunks').values({ file_id: fileId, seq, data: Buffer.concat(pieces) }).execute();
    },
    async read(fileId, seq) {
      const row = await db.selectFrom('file_chunks').select('data').where('file_id', '=', fileId).where('seq', '=', seq).executeTakeFirst();
      return row ? [Buffer.from(row.data.buffer, row.data.byteOffset, row.data.byteLength)] : undefined;
    },
    async removeAll(fileId) {
      await db.deleteFrom('file_chunks').where('file_id', '=', fileId).execute();
    },
  };
}
