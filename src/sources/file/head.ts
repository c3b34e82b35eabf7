// The head of a file: the bytes its identity is made of. After any NUL padding at the start (a
// hole left by a writer that kept its offset across a truncation), the head is the first
// `span` bytes, span = max(fingerprint bytes, first line) — the first line capped at
// FIRST_LINE_MAX_BYTES. A file is identifiable once its first line is complete (or that long);
// its head may still be shorter than `span` and grows with the file ("once available").
import { createHash } from 'node:crypto';
import { type Codec, codecFor, detectEncoding, type Encoding } from '../framing/codec.ts';
import type { ByteReader } from './readers.ts';

/** A first line longer than this is identified by its first this-many bytes. */
export const FIRST_LINE_MAX_BYTES = 4096;
const BLOCK = 64 * 1024;

export interface Head {
  encoding: Encoding;
  /** Bytes of NUL padding before the head. */
  start: number;
  /** The first bytes after the padding: at least the head, as far as read (for comparisons). */
  bytes: Buffer;
  /** How many bytes from `start` the identity covers once the file is that long. */
  span: number;
  /** Hash of the first line (the identity of the first_line strategy, as in earlier versions). */
  base: string;
}

export const sha = (...parts: Buffer[]): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

/** The head of the file behind `reader`, or undefined while its first line is incomplete. */
export async function readHead(
  reader: ByteReader,
  configured: Encoding,
  fingerprintBytes: number,
): Promise<Head | undefined> {
  const want = Math.max(fingerprintBytes, FIRST_LINE_MAX_BYTES);
  const block = Buffer.alloc(Math.max(BLOCK, want));
  let at = 0;
  let n = await reader.read(block, block.length, 0);
  const encoding = detectEncoding(configured, block.subarray(0, n));
  const codec = codecFor(encoding);
  // Padding may run for megabytes (the writer's old offset): skip it block by block.
  let skip = padding(block, n, codec);
  while (n - skip < codec.unit) {
    if (n < block.length) return undefined;
    at += n;
    n = await reader.read(block, block.length, at);
    skip = padding(block, n, codec);
  }
  const start = at + skip;
  let bytes: Buffer;
  if (start === 0) {
    bytes = Buffer.from(block.subarray(0, Math.min(n, want)));
  } else {
    bytes = Buffer.alloc(want);
    bytes = bytes.subarray(0, await reader.read(bytes, want, start));
  }
  const nl = codec.newline(bytes, 0);
  let firstLine: number;
  if (nl >= 0 && nl < FIRST_LINE_MAX_BYTES) firstLine = nl;
  else if (bytes.length >= FIRST_LINE_MAX_BYTES) firstLine = FIRST_LINE_MAX_BYTES;
  else return undefined;
  const span = Math.max(fingerprintBytes, Math.min(FIRST_LINE_MAX_BYTES, firstLine + codec.unit));
  return { encoding, start, bytes, span, base: sha(bytes.subarray(0, firstLine)).slice(0, 32) };
}

/** Length of the run of NUL units at the start of `buf[0, n)`. */
function padding(buf: Buffer, n: number, codec: Codec): number {
  let i = 0;
  while (i + codec.unit <= n && codec.nulAt(buf, i)) i += codec.unit;
  return i;
}
