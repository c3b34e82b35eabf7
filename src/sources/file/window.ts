// Keeps the hash of the window of bytes just before a file's framer position, from the bytes
// actually read (never re-read: the file may have changed since). The position only lands on line
// ends: within the chunk just framed (or right after the window kept from before it), or — when
// multiline framing emits a record it held — on the last line end of an earlier chunk, which is
// remembered. Memory: one window per file.
import { createHash } from 'node:crypto';
import type { Codec } from '../framing/codec.ts';
import { WINDOW_BYTES } from './identity.ts';

export class WindowTracker {
  readonly #codec: Codec;
  /** The last ≤ WINDOW_BYTES bytes read (ending at the next chunk's start). */
  #tail: Buffer;
  #at: { offset: number; hash: string | undefined };
  #lastLineEnd: { offset: number; hash: string } | undefined;

  /** Starts at `offset`, `before` being the bytes just before it (as many as WINDOW_BYTES allows). */
  constructor(codec: Codec, offset: number, before: Buffer) {
    this.#codec = codec;
    this.#tail = Buffer.from(before.subarray(Math.max(0, before.length - WINDOW_BYTES)));
    this.#at = { offset, hash: hashOf([this.#tail], 0, this.#tail.length) };
  }

  /** Hash of the window before `offset`, if that is the position last settled on. */
  hashAt(offset: number): string | undefined {
    return this.#at.offset === offset ? this.#at.hash : undefined;
  }

  /** After `chunk` (read at file offset `start`) was framed and the framer moved to `position`. */
  pushed(chunk: Buffer, start: number, position: number): void {
    const parts = [this.#tail, chunk];
    const from = start - this.#tail.length;
    const end = start + chunk.length;
    const windowAt = (p: number): string | undefined => {
      const w = Math.min(WINDOW_BYTES, p);
      return p - w >= from && p <= end ? hashOf(parts, p - w - from, p - from) : undefined;
    };
    if (position !== this.#at.offset) {
      const known = this.#lastLineEnd?.offset === position ? this.#lastLineEnd.hash : undefined;
      this.#at = { offset: position, hash: windowAt(position) ?? known };
    }
    const nl = this.#lastNewline(chunk, start);
    if (nl >= 0) {
      const offset = start + nl + this.#codec.unit;
      const hash = windowAt(offset);
      if (hash) this.#lastLineEnd = { offset, hash };
    }
    this.#tail = lastBytes(parts, WINDOW_BYTES);
  }

  /** After idle/flush moved the position without new bytes (multiline emitting a held record). */
  settled(position: number): void {
    if (position === this.#at.offset) return;
    const hash = this.#lastLineEnd?.offset === position ? this.#lastLineEnd.hash : undefined;
    this.#at = { offset: position, hash };
  }

  /** Start of the last newline unit in `chunk`, aligned to the unit in the file. */
  #lastNewline(chunk: Buffer, start: number): number {
    if (this.#codec.unit === 1) return chunk.lastIndexOf(0x0a);
    // Two-byte units: search from the first unit boundary in the chunk.
    const skew = start % 2;
    let last = -1;
    for (let i = this.#codec.newline(chunk.subarray(skew), 0); i >= 0; ) {
      last = i + skew;
      const next = this.#codec.newline(chunk.subarray(skew), i + 2);
      i = next;
    }
    return last;
  }
}

function hashOf(parts: Buffer[], from: number, to: number): string {
  const h = createHash('sha256');
  let at = 0;
  for (const p of parts) {
    const a = Math.max(from, at);
    const b = Math.min(to, at + p.length);
    if (b > a) h.update(p.subarray(a - at, b - at));
    at += p.length;
  }
  return h.digest('hex').slice(0, 16);
}

function lastBytes(parts: Buffer[], n: number): Buffer {
  const total = parts.reduce((s, p) => s + p.length, 0);
  const out = Buffer.alloc(Math.min(n, total));
  let at = out.length;
  for (let i = parts.length - 1; i >= 0 && at > 0; i--) {
    const p = parts[i]!;
    const take = Math.min(at, p.length);
    p.copy(out, at - take, p.length - take);
    at -= take;
  }
  return out;
}
