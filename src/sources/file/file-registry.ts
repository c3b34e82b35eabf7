// Which files the file source follows and who they are: scans the globs, follows known inodes to
// their new paths (rename), notices files that left their path (rotation), shrank or had their
// content replaced (truncation, copytruncate), identifies new inodes by content (identify.ts) and
// starts each where its committed position says. Inodes that hold nothing new (copies, archives of
// files already read, files not identifiable yet) are parked and looked at again only when they
// change, or when the file they copy stops being readable.
import { type FileHandle, lstat, open, realpath, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { glob } from 'tinyglobby';
import { codecFor, type Encoding } from '../framing/codec.ts';
import { createFramer, type FramingOptions } from '../framing/framer.ts';
import type { SourcePosition } from '../source.ts';
import type { BatchCollector } from './batch-collector.ts';
import { type Head, readHead } from './head.ts';
import { type Decision, type IdentifyContext, identify } from './identify.ts';
import { WINDOW_BYTES, windowHash } from './identity.ts';
import { KnownFiles } from './known-files.ts';
import { type ByteReader, gzipSizeHint, isGzip, openReader } from './readers.ts';
import { inodeKey, TrackedFile } from './tracked-file.ts';
import { WindowTracker } from './window.ts';

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
  fingerprint: { strategy: 'first_line' | 'device_inode'; bytes: number };
  encoding: Encoding;
}

interface Parked {
  size: number;
  mtimeMs: number;
  /** The identity it holds a copy of, if any. */
  of?: string;
  scan: number;
}

export const isFsError = (e: unknown): boolean =>
  e instanceof Error && typeof (e as { code?: unknown }).code === 'string';

export class FileRegistry {
  /** Followed files by identity. */
  readonly files = new Map<string, TrackedFile>();
  readonly #byInode = new Map<string, TrackedFile>();
  readonly #known: KnownFiles;
  readonly #parked = new Map<string, Parked>();
  /** Last positions of files let go since the last batch, handed out with it. */
  #final: SourcePosition[] = [];
  readonly #hasHistory: boolean;
  readonly #o: FileRegistryOptions;
  readonly #headBuf: Buffer;
  #realBase: string | undefined;
  #scans = 0;
  truncations = 0;
  rotations = 0;
  retiredEmptyLines = 0;
  retiredPadding = 0;

  constructor(options: FileRegistryOptions) {
    this.#o = options;
    this.#known = new KnownFiles(options.pipeline, options.positions);
    this.#hasHistory = this.#known.size > 0;
    this.#headBuf = Buffer.alloc(Math.max(options.fingerprint.bytes, 4096));
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
    const scan = this.#scans;
    const seen = new Set<TrackedFile>();
    const inodes = new Set<string>();
    const unknown: string[] = [];
    for (const path of paths) {
      const abs = join(this.#o.baseDir, path);
      const link = await lstat(abs).catch(() => undefined);
      const st = link?.isSymbolicLink() ? await stat(abs).catch(() => undefined) : link;
      if (!st?.isFile()) continue;
      const inode = inodeKey(st.dev, st.ino);
      if (inodes.has(inode)) continue;
      inodes.add(inode);
      const t = this.#byInode.get(inode);
      if (t) {
        const changed = t.gzip
          ? st.size !== t.fileSize || st.mtimeMs !== t.mtimeMs
          : st.size < t.readOffset ||
            (st.size === t.readOffset && st.mtimeMs !== t.mtimeMs && (await this.#rewritten(t)));
        if (changed) {
          await this.replaced(t, c, !t.gzip);
          unknown.push(path);
          continue;
        }
        seen.add(t);
        t.path = link?.isSymbolicLink() ? await this.#resolved(abs, path) : path;
        t.attached = true;
        t.fileSize = st.size;
        t.mtimeMs = st.mtimeMs;
        if (!t.gzip) t.size = st.size;
        if (!t.gzip && st.size > t.readOffset) t.eof = false;
        continue;
      }
      const p = this.#parked.get(inode);
      if (p && p.size === st.size && p.mtimeMs === st.mtimeMs) {
        p.scan = scan;
        continue;
      }
      this.#parked.delete(inode);
      // A file a position was taken in goes first: the original, not a copy of it, resumes it.
      if (this.#known.hasInode(inode)) unknown.unshift(path);
      else unknown.push(path);
    }
    for (const [inode, p] of this.#parked) if (p.scan !== scan) this.#parked.delete(inode);
    for (const t of [...this.files.values()]) {
      if (seen.has(t) || !t.attached) continue;
      // Renamed away or deleted: what is still unread is reachable only through the open handle —
      // or, for the old target of a switched symlink, at its own path.
      t.attached = false;
      this.rotations++;
      if (!t.reader && !(await this.reopen(t, c)) && this.files.get(t.key) === t) {
        // No way back to its bytes; a held record exists only in memory now.
        this.#flush(t, c);
        this.letGo(t);
      }
    }
    for (const path of unknown) {
      if (signal.aborted) return;
      await this.#discover(path, first);
    }
    if (first) await this.#probeLastPaths(new Set(paths));
    for (const t of this.files.values()) {
      if (t.attached || !t.reader || t.gzip) continue;
      const st = await t.reader.fh.stat().catch(() => undefined);
      if (st && st.size > t.readOffset) {
        t.size = st.size;
        t.eof = false;
      }
    }
  }

  /** Identifies the file at a path whose inode is not followed, and follows it if it has anything to read. */
  async #discover(
    path: string,
    first: boolean,
    only?: (d: Decision) => boolean,
  ): Promise<TrackedFile | undefined> {
    await this.makeRoom();
    const abs = join(this.#o.baseDir, path);
    const fh = await open(abs, 'r').catch(() => undefined);
    if (!fh) return undefined;
    let reader: ByteReader | undefined;
    let t: TrackedFile | undefined;
    try {
      const st = await fh.stat();
      const inode = inodeKey(st.dev, st.ino);
      if (this.#byInode.has(inode)) return undefined;
      reader = openReader(fh, await isGzip(fh));
      const park = (of?: string): undefined => {
        if (!only) this.#parked.set(inode, { size: st.size, mtimeMs: st.mtimeMs, of, scan: this.#scans });
      };
      const head = await readHead(reader, this.#o.encoding, this.#o.fingerprint.bytes);
      if (!head) return park();
      const size = reader.gzip ? await gzipSizeHint(fh, st.size) : st.size;
      const codec = codecFor(head.encoding);
      const ctx = this.#context(first && this.#o.startAt === 'end' && !this.#hasHistory, inode);
      const d = await identify({ inode, reader, head, codec, size }, ctx);
      if (only && !only(d)) return undefined;
      if (d.kind === 'pending') return park();
      if (d.kind === 'copy') return park(d.of);
      if (d.kind === 'new' && d.replaced) this.truncations++;
      // The path may be gone already (deleted right after it was opened): the open handle still reads it.
      const link = await lstat(abs).catch(() => undefined);
      const shown = link?.isSymbolicLink() ? await this.#resolved(abs, path) : path;
      t = this.#track(d, shown, inode, reader, head, size, st);
      return t;
    } catch (e) {
      if (!isFsError(e)) throw e;
      return undefined;
    } finally {
      if (!t) await (reader ?? fh).close().catch(() => {});
    }
  }

  #context(startAtEnd: boolean, inode: string): IdentifyContext {
    return {
      inodeKnown: this.#known.hasInode(inode),
      strategy: this.#o.fingerprint.strategy,
      tracked: (base) => [...this.files.values()].filter((t) => t.base === base),
      sizeNow: (t) => this.#sizeNow(t),
      replacedNow: (t) => this.#replacedNow(t),
      known: (base) => this.#known.withBase(base),
      keyTaken: (key) => this.files.has(key) || this.#known.has(key),
      startAtEnd,
    };
  }

  /** Whether a followed plain file no longer starts with its head: through its handle, or its path if closed. */
  async #replacedNow(t: TrackedFile): Promise<boolean> {
    if (t.gzip) return false;
    if (t.reader) return !(await this.headStillSame(t));
    // Closed for being idle (or to keep handles bounded): a copytruncate then happens unseen too.
    const fh = await open(join(this.#o.baseDir, t.path), 'r').catch(() => undefined);
    if (!fh) return false;
    try {
      const st = await fh.stat();
      if (inodeKey(st.dev, st.ino) !== t.inode) return false;
      const buf = Buffer.alloc(t.head.bytes.length);
      const n = (await fh.read(buf, 0, buf.length, t.head.start)).bytesRead;
      return n < buf.length || !buf.equals(t.head.bytes);
    } catch (e) {
      if (!isFsError(e)) throw e;
      return false;
    } finally {
      await fh.close().catch(() => {});
    }
  }

  /**
   * Whether a plain file modified since the last scan but exactly as long as what was read of it
   * holds other bytes now: truncated and written again up to that very size (copytruncate, then a
   * writer that went on). No read would see it — there is nothing past the read position — so it
   * would be noticed only once it grows, and a copy parked for it would wait as long. The evidence
   * is a restart's: the head, and the window before the position (checked through an open handle).
   */
  async #rewritten(t: TrackedFile): Promise<boolean> {
    if (await this.#replacedNow(t)) return true;
    const hash = t.window.hashAt(t.framer.position);
    if (!t.reader || !hash) return false;
    try {
      const before = await t.reader.before(t.framer.position, WINDOW_BYTES);
      return !before || windowHash(before) !== hash;
    } catch (e) {
      if (!isFsError(e)) throw e;
      return false;
    }
  }

  async #sizeNow(t: TrackedFile): Promise<number | undefined> {
    if (t.gzip) return t.size;
    if (t.reader) return (await t.reader.fh.stat().catch(() => undefined))?.size;
    const st = await stat(join(this.#o.baseDir, t.path)).catch(() => undefined);
    return st && inodeKey(st.dev, st.ino) === t.inode ? st.size : t.fileSize;
  }

  #track(
    d: Decision & { kind: 'resume' | 'new' },
    path: string,
    inode: string,
    reader: ByteReader,
    head: Head,
    size: number | undefined,
    st: { size: number; mtimeMs: number },
  ): TrackedFile {
    const resumed = d.kind === 'resume' ? d.known : undefined;
    const key = resumed?.key ?? (d as { key: string }).key;
    const offset = resumed?.offset ?? (d as { offset: number }).offset;
    const framer = createFramer(this.#o.framing, offset, this.#o.maxLineBytes, head.encoding);
    const t = new TrackedFile({
      key,
      base: this.#o.fingerprint.strategy === 'device_inode' ? `i${inode}` : head.base,
      path,
      inode,
      gzip: reader.gzip,
      encoding: head.encoding,
      head: { start: head.start, bytes: Buffer.from(head.bytes.subarray(0, head.span)), span: head.span },
      size: reader.gzip ? Math.max(size ?? 0, offset) : st.size,
      fileSize: st.size,
      mtimeMs: st.mtimeMs,
      readOffset: offset,
      framer,
      window: new WindowTracker(codecFor(head.encoding), offset, d.before),
      // A new file reports its start at once (start_at: end must be committed); a resumed one when it moves.
      reported: resumed ? { offset, path: resumed.path } : { offset: -1, path },
      now: Date.now(),
    });
    t.reader = reader;
    t.eof = !reader.gzip && offset >= st.size;
    this.#known.delete(key);
    this.files.set(key, t);
    this.#byInode.set(inode, t);
    return t;
  }

  /**
   * After a restart, files that left the globs while Mortar was stopped (the old target of a
   * switched symlink, a file renamed out of the pattern) are still drained at their last path, if
   * that path still holds the same content beyond the committed position.
   */
  async #probeLastPaths(globbed: Set<string>): Promise<void> {
    for (const k of [...this.#known.values()]) {
      if (!k.check || globbed.has(k.path) || this.files.has(k.key)) continue;
      const st = await stat(join(this.#o.baseDir, k.path)).catch(() => undefined);
      if (!st?.isFile() || this.#parked.has(inodeKey(st.dev, st.ino))) continue;
      const t = await this.#discover(k.path, false, (d) => d.kind === 'resume' && d.known.key === k.key);
      if (t) t.attached = false;
    }
  }

  /** Reopens a closed file at its path, if the path still holds the same file with the same head. */
  async reopen(t: TrackedFile, c: BatchCollector): Promise<boolean> {
    if (this.files.get(t.key) !== t) return false;
    await this.makeRoom();
    const fh: FileHandle | undefined = await open(join(this.#o.baseDir, t.path), 'r').catch(() => undefined);
    if (!fh) return false;
    try {
      const st = await fh.stat();
      if (inodeKey(st.dev, st.ino) === t.inode) {
        t.reader = openReader(fh, t.gzip);
        if (t.gzip || (await this.headStillSame(t))) return true;
        // The same inode holds other content now.
        await this.replaced(t, c, true);
        return false;
      }
    } catch (e) {
      if (!isFsError(e)) throw e;
    }
    await fh.close().catch(() => {});
    return false;
  }

  /**
   * Whether a plain file still starts with its head (else its content was replaced: truncated and
   * rewritten, or padded with NULs by a writer that kept its offset). Extends a head still short.
   */
  async headStillSame(t: TrackedFile): Promise<boolean> {
    const have = t.head.bytes;
    const buf = this.#headBuf.subarray(0, t.head.span);
    const n = (await t.reader!.fh.read(buf, 0, buf.length, t.head.start)).bytesRead;
    if (n < have.length || buf.compare(have, 0, have.length, 0, have.length) !== 0) return false;
    if (n > have.length) t.head = { ...t.head, bytes: Buffer.from(buf.subarray(0, n)) };
    return true;
  }

  /** The file's content was replaced under its inode: its identity is let go (kept, as known) at its position. */
  async replaced(t: TrackedFile, c: BatchCollector, count: boolean): Promise<void> {
    // A held record's bytes are gone from the file; memory holds the only copy.
    this.#flush(t, c);
    await t.close();
    this.letGo(t, true);
    if (count) this.truncations++;
  }

  #flush(t: TrackedFile, c: BatchCollector): void {
    t.framer.flush(c.sinkFor(t));
    t.window.settled(t.framer.position);
  }

  /** Stops following a file, keeping what identifies it and its position (and inode, unless replaced there). */
  letGo(t: TrackedFile, replaced = false): void {
    t.eof = true;
    this.unmapInode(t);
    this.files.delete(t.key);
    const offset = t.framer.position;
    if (offset !== t.reported.offset || t.path !== t.reported.path) {
      this.#final.push({
        pipeline: this.#o.pipeline,
        fileId: t.key,
        path: t.path,
        offset,
        checksum: t.checksum(offset),
      });
    }
    const window = t.window.hashAt(offset);
    this.#known.set({
      key: t.key,
      base: t.base,
      path: t.path,
      offset,
      check: { head: t.headPrint, window, inode: replaced ? undefined : t.inode },
      bytes: t.head.bytes,
    });
    this.retiredEmptyLines += t.framer.emptyLines;
    this.retiredPadding += t.framer.paddingBytes;
    // Its copies may hold what can no longer be read from it.
    for (const [inode, p] of this.#parked) if (p.of === t.key) this.#parked.delete(inode);
  }

  /** Positions of files let go since the last call. */
  takeFinalPositions(): SourcePosition[] {
    const out = this.#final;
    this.#final = [];
    return out;
  }

  /** Keeps open handles under the limit by closing the least recently read file that has a path. */
  async makeRoom(): Promise<void> {
    const open = [...this.files.values()].filter((t) => t.reader);
    if (open.length < this.#o.maxOpenFiles) return;
    const closable = open.filter((t) => t.attached);
    closable.sort((a, b) => Number(b.eof) - Number(a.eof) || a.lastDataMs - b.lastDataMs);
    await closable[0]?.close();
  }

  /** Forgets a file's inode once no handle pins it, since the system may reuse the number. */
  unmapInode(t: TrackedFile): void {
    if (this.#byInode.get(t.inode) === t) this.#byInode.delete(t.inode);
  }

  /** A symlink's target, relative to the base directory: where the bytes really are. */
  async #resolved(abs: string, path: string): Promise<string> {
    this.#realBase ??= await realpath(this.#o.baseDir).catch(() => this.#o.baseDir);
    const real = await realpath(abs).catch(() => undefined);
    return real ? relative(this.#realBase, real) : path;
  }
}
