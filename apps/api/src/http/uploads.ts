import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import type { Request } from 'express';
import busboy from 'busboy';
import { AppError, type Storage } from '@monospace/router';

export interface ReceivedFile {
  filename: string;
  title: string;
  mimeType: string;
  size: number;
  sha256: string;
}

const SNIFF_BYTES = 4100;
const MAX_TITLE = 500;

/** The client's filename without any path, control characters or excess length; never a storage path. */
export function cleanFilename(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  // Control characters, and the bidirectional overrides that make `\u202Eexe.txt` read as `txt.exe`.
  // eslint-disable-next-line no-control-regex
  const cleaned = base.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').trim().slice(0, 255);
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? 'file' : cleaned;
}

/** Whether the first bytes read as UTF-8 text (a character cut at the end of the sample is fine). */
function looksLikeText(head: Buffer): boolean {
  if (head.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * From the content's magic bytes where known, else a well-formed declared type, else octet-stream.
 * busboy reports `text/plain` for a part that declares no type, so that one must also look like text.
 */
async function detectMimeType(head: Buffer, declared: string | undefined): Promise<string> {
  // Imported with the first upload rather than at start: it is ~3 MiB a server without uploads need not hold.
  const { fileTypeFromBuffer } = await import('file-type');
  const sniffed = await fileTypeFromBuffer(head);
  if (sniffed) return sniffed.mime;
  if (declared?.toLowerCase() === 'text/plain' && !looksLikeText(head)) return 'application/octet-stream';
  if (declared && /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/i.test(declared)) return declared.toLowerCase();
  return 'application/octet-stream';
}

const bad = (message: string) => new AppError('BAD_REQUEST', message);

/**
 * Streams the one `file` part of a multipart body into storage under `key`,
 * hashing and measuring it on the way; the optional `title` field comes along.
 * Any failure (too large, a second file, a truncated or aborted body) removes what was stored.
 */
export function receiveUpload(req: Request, storage: Storage, key: string, maxBytes: number): Promise<ReceivedFile> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      // One byte over the limit is enough to know the file is too large (the meter below checks the size itself).
      parser = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { fileSize: maxBytes + 1, files: 2, fields: 5, fieldSize: 4 * MAX_TITLE, parts: 8 } });
    } catch {
      reject(bad('Malformed multipart/form-data request'));
      return;
    }
    let files = 0;
    let title = '';
    let failure: AppError | undefined;
    let meter: Transform | undefined;
    let stored: Promise<Omit<ReceivedFile, 'title'>> | undefined;
    let settled = false;

    const fail = (error: AppError) => {
      failure ??= error;
      meter?.destroy(error);
      void settle();
    };

    async function settle() {
      if (settled) return;
      settled = true;
      let result: Omit<ReceivedFile, 'title'> | undefined;
      try {
        result = stored ? await stored : undefined;
      } catch {
        failure ??= bad('The upload was interrupted');
      }
      if (!failure && !result) failure = bad('No file part named "file"');
      if (failure) {
        await storage.remove(key).catch(() => {});
        reject(failure);
      } else resolve({ ...result!, title });
    }

    parser.on('file', (name, stream, info) => {
      files++;
      if (failure || name !== 'file' || files > 1) {
        // A part we drop (also any part after a refusal): read past it, store nothing;
        // its errors are the body's, reported once by the parser.
        stream.on('error', () => {});
        stream.resume();
        if (failure) return;
        fail(bad(files > 1 ? 'Exactly one file part is allowed' : `Unexpected file part "${name}": send it as "file"`));
        return;
      }
      const hash = createHash('sha256');
      let size = 0;
      const head: Buffer[] = [];
      let headBytes = 0;
      const tooLarge = () => new AppError('PAYLOAD_TOO_LARGE', `The file is larger than ${maxBytes} bytes`);
      meter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          size += chunk.length;
          if (size > maxBytes) {
            fail(tooLarge());
            return;
          }
          hash.update(chunk);
          if (headBytes < SNIFF_BYTES) {
            head.push(chunk.subarray(0, SNIFF_BYTES - headBytes));
            headBytes += Math.min(chunk.length, SNIFF_BYTES - headBytes);
          }
          done(null, chunk);
        },
      });
      meter.on('error', () => {}); // storage.write reports it; a late destroy must not go unhandled
      stream.on('limit', () => fail(tooLarge()));
      stream.on('error', (error) => meter?.destroy(error));
      stream.pipe(meter);
      const filename = cleanFilename(info.filename);
      stored = storage.write(key, meter).then(async () => ({
        filename,
        mimeType: await detectMimeType(Buffer.concat(head), info.mimeType),
        size,
        sha256: hash.digest('hex'),
      }));
      stored.catch(() => {}); // awaited in settle()
    });
    parser.on('field', (name, value, info) => {
      if (name !== 'title') return fail(bad(`Unexpected field "${name}": only "file" and "title" are accepted`));
      if (info.valueTruncated || value.length > MAX_TITLE) return fail(bad(`The title is longer than ${MAX_TITLE} characters`));
      // eslint-disable-next-line no-control-regex
      title = value.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
    });
    for (const event of ['partsLimit', 'filesLimit', 'fieldsLimit'] as const) parser.on(event, () => fail(bad('Too many parts in the form')));
    parser.on('error', () => fail(bad('Malformed or truncated multipart body')));
    parser.on('close', () => void settle());
    req.on('close', () => {
      if (!req.complete) fail(bad('The client went away during the upload'));
    });
    req.pipe(parser);
  });
}
