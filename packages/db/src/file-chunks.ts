import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';

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

/** A whole binary COPY input of one (file_id, seq, data) row, the data's pieces among it as they are. */
function copyRow(fileId: string, seq: number, pieces: readonly Buffer[]): Buffer[] {
  const size = pieces.reduce((n, p) => n + p.length, 0);
  const tuple = Buffer.alloc(2 + 4 + 16 + 4 + 4 + 4);
  let at = tuple.writeInt16BE(3, 0);
  at = tuple.writeInt32BE(16, at);
  at += tuple.write(checkedUuid(fileId).replaceAll('-', ''), at, 'hex');
  at = tuple.writeInt32BE(4, at);
  at = tuple.writeInt32BE(seq, at);
  tuple.writeInt32BE(size, at);
  return [COPY_HEADER, tuple, ...pieces, COPY_TRAILER];
}

const copyIn = (source: string) => `copy file_chunks (file_id, seq, data) from ${source} (format binary)`;
const DELETE_FILE = 'delete from file_chunks where file_id = $1';

/** COPY (select data … where one chunk) TO … (FORMAT binary). */
function copyOutQuery(fileId: string, seq: number, target: string): string {
  if (!Number.isSafeInteger(seq) || seq < 0) throw new Error('file chunk seq must be a natural number');
  return `copy (select data from file_chunks where file_id = '${checkedUuid(fileId)}' and seq = ${seq}) to ${target} (format binary)`;
}

/** The data of the one row in a binary COPY output, or undefined when it holds no row. */
function dataOf(pieces: readonly Buffer[]): Buffer[] | undefined {
  const total = pieces.reduce((n, p) => n + p.length, 0);
  const start = COPY_HEADER.length + TUPLE_HEAD;
  const end = total - COPY_TRAILER.length;
  return end < start ? undefined : slicePieces(pieces, start, end);
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
      const input = copyRow(fileId, seq, pieces);
      return withClient(pool, (client) => new Promise<void>((resolve, reject) => {
        const stream = client.query(copyStreams.from(copyIn('stdin')));
        stream.on('error', reject);
        stream.on('finish', () => resolve());
        for (const piece of input) stream.write(piece);
        stream.end();
      }));
    },
    read(fileId, seq) {
      const text = copyOutQuery(fileId, seq, 'stdout');
      return withClient(pool, (client) => new Promise<Buffer[] | undefined>((resolve, reject) => {
        const pieces: Buffer[] = [];
        const stream = client.query(copyStreams.to(text));
        stream.on('data', (piece: Buffer) => pieces.push(piece));
        stream.on('error', reject);
        stream.on('end', () => resolve(dataOf(pieces)));
      }));
    },
    async removeAll(fileId) {
      await pool.query(DELETE_FILE, [checkedUuid(fileId)]);
    },
  };
}

/**
 * PGlite, through the same binary COPY to and from its `/dev/blob` device: a bytea
 * result would come out of its WebAssembly heap as hex text and be parsed back.
 */
export function pgliteChunkStore(pglite: PGlite): ChunkStore {
  return {
    async write(fileId, seq, pieces) {
      await pglite.query(copyIn(`'/dev/blob'`), [], { blob: new Blob(copyRow(fileId, seq, pieces)) });
    },
    async read(fileId, seq) {
      const { blob } = await pglite.query(copyOutQuery(fileId, seq, `'/dev/blob'`));
      if (!blob) throw new Error('PGlite returned no COPY output');
      const bytes = Buffer.from(await blob.arrayBuffer());
      return dataOf([bytes]);
    },
    async removeAll(fileId) {
      await pglite.query(DELETE_FILE, [checkedUuid(fileId)]);
    },
  };
}
