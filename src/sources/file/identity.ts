// What a committed position remembers about the file it belongs to, so that a restart resumes
// only in the same content: a print of the file's head (hash, plus hashes of a few shorter
// prefixes, to compare with files still shorter than the head) and a hash of the window of bytes
// just before the offset. Stored as one opaque string in the position's `checksum`:
//   c1 w=<window hash> h=<padding>+<head length>:<head hash> p=<len>:<hash>,... i=<dev:ino>
import { sha } from './head.ts';

/** The window before an offset that must match for a resume: the last ≤ 256 bytes. */
export const WINDOW_BYTES = 256;
const MARKS = [32, 64, 128, 256, 512];

export interface HeadPrint {
  /** NUL padding before the head. */
  start: number;
  length: number;
  hash: string;
  /** Hashes of shorter prefixes (length, hash), for candidates shorter than the head. */
  marks: [number, string][];
}

export interface Checksum {
  head: HeadPrint;
  /** Hash of the bytes before the offset (absent when it was not known). */
  window?: string;
  /** Device and inode of the file when the position was taken. */
  inode?: string;
}

export const windowHash = (bytes: Buffer): string => sha(bytes).slice(0, 16);

export function printHead(start: number, head: Buffer): HeadPrint {
  const marks: [number, string][] = MARKS.filter((m) => m < head.length).map((m) => [
    m,
    sha(head.subarray(0, m)).slice(0, 16),
  ]);
  return { start, length: head.length, hash: sha(head).slice(0, 32), marks };
}

export function encodeChecksum(c: Checksum): string {
  const h = c.head;
  const parts = ['c1', `w=${c.window ?? '-'}`, `h=${h.start}+${h.length}:${h.hash}`];
  if (h.marks.length > 0) parts.push(`p=${h.marks.map(([l, x]) => `${l}:${x}`).join(',')}`);
  if (c.inode) parts.push(`i=${c.inode}`);
  return parts.join(' ');
}

/** The checksum written by `encodeChecksum`, or undefined for none or an unknown format. */
export function decodeChecksum(s: string | undefined): Checksum | undefined {
  if (!s?.startsWith('c1 ')) return undefined;
  const f = new Map(s.split(' ').map((p) => [p.slice(0, 1), p.slice(2)] as const));
  const h = /^(\d+)\+(\d+):([0-9a-f]+)$/.exec(f.get('h') ?? '');
  if (!h) return undefined;
  const marks = (f.get('p') ?? '')
    .split(',')
    .filter(Boolean)
    .map((m) => m.split(':'))
    .map(([l, x]) => [Number(l), x ?? ''] as [number, string]);
  const w = f.get('w');
  return {
    head: { start: Number(h[1]), length: Number(h[2]), hash: h[3]!, marks },
    window: w && w !== '-' ? w : undefined,
    inode: f.get('i'),
  };
}

/**
 * How a candidate's head (`start`, and its first bytes as far as read) relates to a known one:
 * `same` — it holds the known head (and maybe more); `prefix` — it is shorter and all of it is
 * the start of the known head; `different`; `unknown` — too short to tell from hashes alone.
 */
export type HeadMatch = 'same' | 'prefix' | 'different' | 'unknown';

export function matchHead(start: number, bytes: Buffer, known: HeadPrint, knownBytes?: Buffer): HeadMatch {
  if (start !== known.start) return 'different';
  if (knownBytes) {
    const m = Math.min(bytes.length, knownBytes.length);
    if (bytes.compare(knownBytes, 0, m, 0, m) !== 0) return 'different';
    return bytes.length >= knownBytes.length ? 'same' : 'prefix';
  }
  if (bytes.length >= known.length) {
    return sha(bytes.subarray(0, known.length)).slice(0, 32) === known.hash ? 'same' : 'different';
  }
  const mark = known.marks.filter(([l]) => l <= bytes.length).at(-1);
  if (!mark) return 'unknown';
  if (sha(bytes.subarray(0, mark[0])).slice(0, 16) !== mark[1]) return 'different';
  return mark[0] === bytes.length ? 'prefix' : 'unknown';
}
