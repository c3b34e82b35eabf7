// Who is a file found at a glob path under an inode not being followed? Compared with the
// identities that share its first line (first_line) or its device and inode (device_inode):
//  - the same content as a file being read, and no longer than it: a copy (copytruncate's copy,
//    a gzip archive, cp) — not read;
//  - the same content as a file not being read (committed earlier, let go, or replaced under
//    us): that file, resumed from its position once the window before the position matches — or
//    nothing to read if it ends before the position (an older snapshot);
//  - no match: a new identity, read from the start. A first line already taken gets `.<n>`.
// A file whose bytes before a committed position changed, or that shrank below it under the same
// inode, had its content replaced: it starts over from 0 as a new identity, and is counted.
import type { Codec } from '../framing/codec.ts';
import type { Head } from './head.ts';
import { type HeadMatch, matchHead, WINDOW_BYTES, windowHash } from './identity.ts';
import type { Known } from './known-files.ts';
import { lastLineEnd } from './last-line-end.ts';
import type { ByteReader } from './readers.ts';
import type { TrackedFile } from './tracked-file.ts';

export interface Candidate {
  inode: string;
  reader: ByteReader;
  head: Head;
  codec: Codec;
  /** Content size: the file size, or for gzip the trailer's hint (undefined when there is none). */
  size: number | undefined;
}

export type Decision =
  /** Not identifiable yet, or not distinguishable from a known file yet: look again when it changes. */
  | { kind: 'pending' }
  /** Holds nothing that was not read under identity `of`. */
  | { kind: 'copy'; of: string }
  /** Carries on a known identity from its position. */
  | { kind: 'resume'; known: Known; before: Buffer }
  | { kind: 'new'; key: string; offset: number; before: Buffer; replaced: boolean };

export interface IdentifyContext {
  strategy: 'first_line' | 'device_inode';
  tracked: (base: string) => TrackedFile[];
  /** Current size of a followed file's content (undefined if it cannot be told). */
  sizeNow: (t: TrackedFile) => Promise<number | undefined>;
  /** Whether a followed file no longer starts with its head (truncated and rewritten) before the registry noticed. */
  replacedNow: (t: TrackedFile) => Promise<boolean>;
  known: (base: string) => Known[];
  keyTaken: (key: string) => boolean;
  /** Start new files at their end (start_at: end on a pipeline's very first scan). */
  startAtEnd: boolean;
  /** A position was taken in this inode before: new content in it means the file was replaced. */
  inodeKnown: boolean;
}

export async function identify(c: Candidate, ctx: IdentifyContext): Promise<Decision> {
  const base = ctx.strategy === 'device_inode' ? `i${c.inode}` : c.head.base;
  if (ctx.strategy === 'device_inode') {
    const latest = ctx.known(base).sort((a, b) => generation(b.key) - generation(a.key))[0];
    if (!latest) return fresh(c, ctx, base, false);
    const m = latest.check ? matchOf(c, latest) : 'same';
    if (m !== 'same' && m !== 'prefix') return fresh(c, ctx, base, true);
    const d = await resume(c, latest, true);
    return d.kind === 'resume' ? d : fresh(c, ctx, base, true);
  }
  const options: { rank: number; live?: TrackedFile; known?: Known }[] = [];
  let undecided = false;
  for (const t of ctx.tracked(base)) {
    const m = matchHead(c.head.start, c.head.bytes, t.headPrint, t.head.bytes);
    if (m !== 'same' && m !== 'prefix') continue;
    // A copy is never longer than its original (as it is now: it may have grown since the scan).
    const now = await ctx.sizeNow(t);
    // The original shrank, or was truncated and has grown again with other lines: a replacement the
    // next scan handles; decide about the copy after that (it then resumes the original's position).
    if (now === undefined || now < t.readOffset || (await ctx.replacedNow(t)))
      return { kind: 'copy', of: t.key };
    if (c.size === undefined || c.size <= now) options.push({ rank: t.head.bytes.length + 0.5, live: t });
  }
  for (const k of ctx.known(base)) {
    const m = matchOf(c, k);
    if (m === 'unknown') undecided = true;
    if (m === 'same' || m === 'prefix') options.push({ rank: k.check?.head.length ?? -1, known: k });
  }
  // The longest head that matches is the most specific evidence.
  options.sort((a, b) => b.rank - a.rank);
  const best = options[0];
  if (best?.live) return { kind: 'copy', of: best.live.key };
  if (best?.known) {
    const d = await resume(c, best.known, false);
    return d.kind === 'replaced' ? fresh(c, ctx, base, true) : d;
  }
  if (undecided) return { kind: 'pending' };
  return fresh(c, ctx, base, ctx.inodeKnown);
}

function matchOf(c: Candidate, k: Known): HeadMatch {
  if (!k.check) return 'same';
  return matchHead(c.head.start, c.head.bytes, k.check.head, k.bytes);
}

/** Resuming known identity `k` in the candidate, if the bytes before its position are still the same. */
async function resume(c: Candidate, k: Known, sameFile: boolean): Promise<Decision | { kind: 'replaced' }> {
  // A position from before checksums has no inode either: taken to be this file, as it was then.
  const sameInode = sameFile || !k.check || k.check.inode === c.inode;
  // A gzip archive whose trailer says it holds exactly what was read: nothing to decompress.
  if (c.reader.gzip && c.size !== undefined && c.size === k.offset % 2 ** 32 && k.offset > 0)
    return { kind: 'copy', of: k.key };
  if (!c.reader.gzip && c.size !== undefined && c.size < k.offset)
    return sameInode ? { kind: 'replaced' } : { kind: 'copy', of: k.key };
  const before = await c.reader.before(k.offset, WINDOW_BYTES);
  // Ends before the position: a snapshot taken earlier (or, under the same inode, a truncation).
  if (!before) return sameInode ? { kind: 'replaced' } : { kind: 'copy', of: k.key };
  if (k.check?.window && windowHash(before) !== k.check.window) return { kind: 'replaced' };
  return { kind: 'resume', known: k, before };
}

async function fresh(c: Candidate, ctx: IdentifyContext, base: string, replaced: boolean): Promise<Decision> {
  let key = base;
  for (let n = 2; ctx.keyTaken(key); n++) key = `${base}.${n}`;
  let offset = 0;
  let before: Buffer = Buffer.alloc(0);
  if (ctx.startAtEnd && !replaced) {
    const end = c.reader.gzip ? (c.size ?? 0) : await lastLineEnd(c.reader, c.size ?? 0, c.codec);
    const b = end > 0 ? await c.reader.before(end, WINDOW_BYTES) : undefined;
    if (b) {
      offset = end;
      before = b;
    }
  }
  return { kind: 'new', key, offset, before, replaced };
}

const generation = (key: string): number => Number(key.split('.')[1] ?? 1);
