// Which files the file source follows and who they are: scans the globs, follows known inodes to
// their new paths (rename), notices files that left their path (rotation) or shrank (truncation),
// and identifies new files by fingerprint, starting each where its committed position says.
import { type FileHandle, open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { glob } from 'tinyglobby';
import { createFramer, type FramingOptions } from '../framing/framer.ts';
import type { SourcePosition } from '../source.ts';
import type { BatchCollector } from './batch-collector.ts';
import { fingerprint } from './fingerprint.ts';
import { lastLineEnd } from './last-line-end.ts';
import { inodeKey, TrackedFile } from './tracked-file.ts';

export interface FileRegistryOptions {
  pipeline: string;
  baseDir: string;
  include: string[];
  exclude: string[];
  startAt: 'beginning' | 'end';
  framing: FramingOptions;
  maxLineBytes: number;
  maxOpenFiles: number;
  positions: SourcePosition[];
}

export const isFsError = (e: unknown): boolean =>
  e instanceof Error && typeof (e as { code?: unknown }).code === 'string';

export class FileRegistry {
  /** Followed files by identity. */
  readonly files = new Map<string, TrackedFile>();
  readonly #byInode = new Map<string, TrackedFile>();
  /** Committed offsets of identities not followed (yet, or any more) in this process. */
  readonly #committed = new Map<string, number>();
  readonly #hasHistory: boolean;
  readonly #o: FileRegistryOptions;
  #scans = 0;
  truncations = 0;
  rotations = 0;
  retiredEmptyLines = 0;

  constructor(options: FileRegistryOptions) {
    this.#o = options;
    for (const p of options.positions) {
      if (p.pipeline !== options.pipeline) continue;
      this.#committed.set(p.fileId, Math.max(p.offset, this.#committed.get(p.fileId) ?? 0));
    }
    this.#hasHistory = this.#committed.size > 0;
  }

  /** Finds files at glob paths: known inodes are followed; new ones are identified and tracked. */
  async scan(c: BatchCollector, signal: AbortSignal): Promise<void> {
    let paths: string[];
    try {
      paths = await glob(this.#o.include, {
        cwd: this.#o.baseDir,
        ignore: this.#o.exclude,
        onlyFiles: true,
        expandDirectories: false,
        signal,
      });
    } catch (e) {
      if (signal.aborted || isFsError(e)) return;
      throw e;
    }
    // An aborted crawl may return a partial list, which would look like files having gone.
    if (signal.aborted) return;
    paths.sort();
    const first = this.#scans++ === 0;
    const seen = new Set<TrackedFile>();
    const unknown: string[] = [];
    for (const path of paths) {
      const st = await stat(join(this.#o.baseDir, path)).catch(() => undefined);
      if (!st) continue;
      const t = this.#byInode.get(inodeKey(st.dev, st.ino));
      if (!t) {
        unknown.push(path);
      } else if (st.size < t.readOffset) {
        await this.#truncated(t, c);
        unknown.push(path);
      } else if (!seen.has(t)) {
        seen.add(t);
        t.path = path;
        t.attached = true;
        t.size = st.size;
        if (st.size > t.readOffset) t.eof = false;
      }
    }
    for (const t of this.files.values()) {
      if (seen.has(t) || !t.attached) continue;
      // Renamed away or deleted: what is still unread is reachable only through the open handle.
      t.attached = false;
      this.rotations++;
      if (!t.fh) {
        // No handle, no way back to its bytes; a held record exists only in memory now.
        t.framer.flush(c.sinkFor(t));
        t.retired = true;
      }
    }
    for (const path of unknown) {
      if (signal.aborted) return;
      await this.#discover(path, first, seen, c);
    }
    for (const t of this.files.values()) {
      if (t.attached || !t.fh) continue;
      const st = await t.fh.stat().catch(() => undefined);
      if (st && st.size > t.readOffset) {
        t.size = st.size;
        t.eof = false;
      }
    }
  }

  /** Identifies the file at a path whose inode is not tracked, and tracks it if it is new. */
  async #discover(path: string, first: boolean, seen: Set<TrackedFile>, c: BatchCollector): Promise<void> {
    await this.makeRoom();
    let fh: FileHandle | undefined = await open(join(this.#o.baseDir, path), 'r').catch(() => undefined);
    if (!fh) return;
    try {
      const st = await fh.stat();
      const inode = inodeKey(st.dev, st.ino);
      const fileId = this.#byInode.has(inode) ? undefined : await fingerprint(fh);
      if (fileId === undefined) return;
      let t = this.files.get(fileId);
      // The same content under another name, already being read: read once.
      if (t && (seen.has(t) || t.fh)) return;
      if (t && st.size < t.readOffset) {
        await this.#truncated(t, c);
        t = undefined;
      }
      if (t) {
        // A known file reappearing under a new inode (moved, or copied before its original went).
        this.unmapInode(t);
        t.inode = inode;
        t.retired = false;
      } else {
        t = await this.#track(fh, fileId, path, inode, st.size, first);
      }
      t.path = path;
      t.attached = true;
      t.size = st.size;
      t.eof = t.readOffset >= st.size;
      t.fh = fh;
      fh = undefined;
      seen.add(t);
      this.#byInode.set(inode, t);
    } catch (e) {
      if (!isFsError(e)) throw e;
    } finally {
      await fh?.close().catch(() => {});
    }
  }

  async #track(
    fh: FileHandle,
    fileId: string,
    path: string,
    inode: string,
    size: number,
    first: boolean,
  ): Promise<TrackedFile> {
    const committed = this.#committed.get(fileId);
    let start = 0;
    if (committed !== undefined && committed <= size) start = committed;
    else if (committed !== undefined) this.truncations++;
    else if (first && this.#o.startAt === 'end' && !this.#hasHistory) start = await lastLineEnd(fh, size);
    const framer = createFramer(this.#o.framing, start, this.#o.maxLineBytes);
    const reported = { offset: committed ?? -1, path };
    const t = new TrackedFile(fileId, path, inode, size, start, framer, reported, Date.now());
    this.files.set(fileId, t);
    return t;
  }

  /** The file shrank below what was read: its content was replaced, so it is forgotten and re-identified. */
  async #truncated(t: TrackedFile, c: BatchCollector): Promise<void> {
    // The bytes of a held record are gone from the file; memory holds the only copy.
    t.framer.flush(c.sinkFor(t));
    await t.close();
    this.unmapInode(t);
    this.files.delete(t.fileId);
    this.#committed.delete(t.fileId);
    this.retiredEmptyLines += t.framer.emptyLines;
    this.truncations++;
  }

  /** Stops following a drained file that left its path, keeping only its position. */
  retire(t: TrackedFile): void {
    this.unmapInode(t);
    this.files.delete(t.fileId);
    this.#committed.set(t.fileId, t.framer.position);
    this.retiredEmptyLines += t.framer.emptyLines;
  }

  /** Keeps open handles under the limit by closing the least recently read file that has a path. */
  async makeRoom(): Promise<void> {
    const open = [...this.files.values()].filter((t) => t.fh);
    if (open.length < this.#o.maxOpenFiles) return;
    const closable = open.filter((t) => t.attached);
    closable.sort((a, b) => Number(b.eof) - Number(a.eof) || a.lastDataMs - b.lastDataMs);
    await closable[0]?.close();
  }

  /** Forgets a file's inode once no handle pins it, since the system may reuse the number. */
  unmapInode(t: TrackedFile): void {
    if (this.#byInode.get(t.inode) === t) this.#byInode.delete(t.inode);
  }
}
