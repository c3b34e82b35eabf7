// Identities the file source knows but is not reading: committed positions from earlier runs,
// files drained and let go, and files whose content was replaced under them (truncation). Each
// keeps its key, last offset and checksum, so a file turning up again (renamed back, a copy, a
// gzip archive of it) is recognised and resumed, never read twice. Keys are the first-line hash
// (or device:inode), plus `.<n>` for a later, different file with the same first line.
import type { SourcePosition } from '../source.ts';
import { type Checksum, decodeChecksum } from './identity.ts';

export interface Known {
  key: string;
  base: string;
  path: string;
  offset: number;
  /** Absent for positions stored before checksums existed: matched by key alone. */
  check?: Checksum;
  /** The head's bytes, while remembered (recently let go); else only its print. */
  bytes?: Buffer;
}

/** How many let-go heads keep their bytes (exact comparisons with files shorter than the head). */
const RECENT_HEADS = 1024;

export const baseOf = (key: string): string => key.split('.')[0]!;

export class KnownFiles {
  readonly #byKey = new Map<string, Known>();
  readonly #byBase = new Map<string, Set<string>>();
  readonly #byInode = new Map<string, Set<string>>();
  /** Keys with bytes, oldest first. */
  readonly #recent = new Set<string>();

  constructor(pipeline: string, positions: SourcePosition[]) {
    for (const p of positions) {
      if (p.pipeline !== pipeline) continue;
      const prev = this.#byKey.get(p.fileId);
      if (prev && prev.offset >= p.offset) continue;
      const check = decodeChecksum(p.checksum);
      this.set({ key: p.fileId, base: baseOf(p.fileId), path: p.path, offset: p.offset, check });
    }
  }

  get size(): number {
    return this.#byKey.size;
  }

  has(key: string): boolean {
    return this.#byKey.has(key);
  }

  get(key: string): Known | undefined {
    return this.#byKey.get(key);
  }

  values(): IterableIterator<Known> {
    return this.#byKey.values();
  }

  /** Whether a known position was taken in the file with this device and inode. */
  hasInode(inode: string): boolean {
    return this.#byInode.has(inode);
  }

  withBase(base: string): Known[] {
    return [...(this.#byBase.get(base) ?? [])].map((key) => this.#byKey.get(key)!);
  }

  set(k: Known): void {
    this.delete(k.key);
    this.#byKey.set(k.key, k);
    index(this.#byBase, k.base, k.key);
    if (k.check?.inode) index(this.#byInode, k.check.inode, k.key);
    this.#recent.delete(k.key);
    if (!k.bytes) return;
    this.#recent.add(k.key);
    if (this.#recent.size > RECENT_HEADS) {
      const oldest = this.#recent.values().next().value!;
      this.#recent.delete(oldest);
      const o = this.#byKey.get(oldest);
      if (o) o.bytes = undefined;
    }
  }

  delete(key: string): void {
    const k = this.#byKey.get(key);
    if (!k) return;
    this.#byKey.delete(key);
    this.#recent.delete(key);
    unindex(this.#byBase, k.base, key);
    if (k.check?.inode) unindex(this.#byInode, k.check.inode, key);
  }
}

function index(m: Map<string, Set<string>>, by: string, key: string): void {
  const keys = m.get(by) ?? new Set<string>();
  keys.add(key);
  m.set(by, keys);
}

function unindex(m: Map<string, Set<string>>, by: string, key: string): void {
  const keys = m.get(by);
  keys?.delete(key);
  if (keys?.size === 0) m.delete(by);
}
