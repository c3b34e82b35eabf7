// The `file` source: tails the files matched by globs under a base directory, follows appends and
// rotation by rename, and resumes from committed positions. A file's identity is a hash of its
// first line, so a renamed file keeps it and a rotated file that still matches a glob is read
// once. Everything is polled (fs.watch misses events on network and overlay file systems). Reading
// happens only while a batch is being built: the consumer awaiting each batch is the backpressure.
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FramingConfig } from '../config/schema.ts';
import { BatchCollector } from './file/batch-collector.ts';
import { FileRegistry, isFsError } from './file/file-registry.ts';
import { fingerprint } from './file/fingerprint.ts';
import { inodeKey, type TrackedFile } from './file/tracked-file.ts';
import { type FramingOptions, toFramingOptions } from './framing/framer.ts';
import type { Source, SourceBatch, SourcePosition, SourceStats } from './source.ts';

export interface FileSourceOptions {
  pipeline: string;
  /** Directory the globs are relative to; paths in records and positions are relative to it too. */
  baseDir: string;
  include: string[];
  exclude?: string[];
  /**
   * Where to start in a file without a committed position. `end` applies only to files present at
   * the first scan of a pipeline that has no committed positions at all: once a pipeline has run,
   * a file it has not seen appeared since (e.g. rotation while stopped) and is read whole.
   */
  startAt?: 'beginning' | 'end';
  pollIntervalMs?: number;
  maxLineBytes?: number;
  /** Framing as configured (durations as text) or resolved; default: lines. */
  framing?: FramingConfig | FramingOptions;
  /** Positions committed with the rows of earlier runs. */
  positions?: SourcePosition[];
  /** Reading stops once a batch holds this many records (a batch may exceed it by one chunk). */
  batchMaxRecords?: number;
  batchMaxBytes?: number;
  chunkBytes?: number;
  /** Open handles beyond this are closed, least recently read first (renamed-away files excepted). */
  maxOpenFiles?: number;
  /** A fully read file is closed after this long without growth, and reopened when it grows. */
  idleCloseMs?: number;
}

type Resolved = Required<Omit<FileSourceOptions, 'framing'>> & { framing: FramingOptions };

export function createFileSource(options: FileSourceOptions): Source {
  return new FileSource({
    ...options,
    exclude: options.exclude ?? [],
    startAt: options.startAt ?? 'beginning',
    pollIntervalMs: options.pollIntervalMs ?? 250,
    maxLineBytes: options.maxLineBytes ?? 1_048_576,
    framing: toFramingOptions(options.framing ?? { type: 'lines' }),
    positions: options.positions ?? [],
    batchMaxRecords: options.batchMaxRecords ?? 20_000,
    batchMaxBytes: options.batchMaxBytes ?? 4 * 1024 * 1024,
    chunkBytes: options.chunkBytes ?? 256 * 1024,
    maxOpenFiles: options.maxOpenFiles ?? 128,
    idleCloseMs: options.idleCloseMs ?? 60_000,
  });
}

class FileSource implements Source {
  readonly #o: Resolved;
  readonly #registry: FileRegistry;
  readonly #buf: Buffer;
  #running = false;
  #bytesRead = 0;

  constructor(options: Resolved) {
    this.#o = options;
    this.#registry = new FileRegistry(options);
    this.#buf = Buffer.allocUnsafe(options.chunkBytes);
  }

  get #files(): IterableIterator<TrackedFile> {
    return this.#registry.files.values();
  }

  stats(): SourceStats {
    let filesOpen = 0;
    let filesKnown = 0;
    let bytesBehind = 0;
    const r = this.#registry;
    let emptyLines = r.retiredEmptyLines;
    for (const t of this.#files) {
      emptyLines += t.framer.emptyLines;
      if (t.fh) filesOpen++;
      if (!t.attached && !t.fh) continue;
      filesKnown++;
      bytesBehind += t.behind;
    }
    return {
      filesOpen,
      filesKnown,
      bytesRead: this.#bytesRead,
      bytesBehind,
      emptyLines,
      truncations: r.truncations,
      rotations: r.rotations,
    };
  }

  async *batches(signal: AbortSignal): AsyncGenerator<SourceBatch> {
    if (this.#running) throw new Error('file source: batches() is already running');
    this.#running = true;
    try {
      let nextScanAt = 0;
      while (!signal.aborted) {
        const c = new BatchCollector();
        if (Date.now() >= nextScanAt) {
          await this.#registry.scan(c, signal);
          nextScanAt = Date.now() + this.#o.pollIntervalMs;
        }
        await this.#fill(c, signal);
        // After an abort nothing held is flushed: positions stay before it and a restart re-reads it.
        if (!signal.aborted) {
          const now = Date.now();
          this.#flushIdle(c, now);
          await this.#closeIdle(c, now);
        }
        const positions = this.#positions();
        if (c.records.length > 0 || c.rejected.length > 0 || positions.length > 0) {
          yield { records: c.records, rejected: c.rejected, positions };
          continue;
        }
        await sleep(Math.max(0, nextScanAt - Date.now()), undefined, { signal }).catch(() => {});
      }
    } finally {
      this.#running = false;
      for (const t of this.#files) {
        await t.close();
        // Renamed away: unreachable once its handle is closed.
        if (!t.attached) this.#registry.retire(t);
      }
    }
  }

  /** Reads chunks round-robin from files with unread bytes until the batch is full or all are read. */
  async #fill(c: BatchCollector, signal: AbortSignal): Promise<void> {
    const readable = [...this.#files].filter((t) => !t.eof && (t.fh || t.attached));
    // Renamed-away files first: their bytes are older than those of the files that replaced them.
    readable.sort((a, b) => Number(a.attached) - Number(b.attached));
    let budget = this.#o.batchMaxBytes;
    while (readable.length > 0) {
      for (let i = 0; i < readable.length; ) {
        if (budget <= 0 || c.records.length >= this.#o.batchMaxRecords || signal.aborted) return;
        const t = readable[i]!;
        budget -= await this.#readChunk(t, Math.min(this.#o.chunkBytes, budget), c);
        if (t.eof) readable.splice(i, 1);
        else i++;
      }
    }
  }

  async #readChunk(t: TrackedFile, want: number, c: BatchCollector): Promise<number> {
    if (!t.fh && !(await this.#reopen(t))) return 0;
    let n: number;
    try {
      ({ bytesRead: n } = await t.fh!.read(this.#buf, 0, want, t.readOffset));
    } catch (e) {
      if (!isFsError(e)) throw e;
      await t.close();
      t.eof = true;
      return 0;
    }
    if (n < want) t.eof = true;
    if (n === 0) return 0;
    t.readOffset += n;
    t.size = Math.max(t.size, t.readOffset);
    t.lastDataMs = Date.now();
    this.#bytesRead += n;
    t.framer.push(this.#buf.subarray(0, n), c.sinkFor(t));
    return n;
  }

  /** Reopens a closed file at its path, if the path still holds the same file. */
  async #reopen(t: TrackedFile): Promise<boolean> {
    await this.#registry.makeRoom();
    const fh = await open(join(this.#o.baseDir, t.path), 'r').catch(() => undefined);
    try {
      const st = await fh?.stat();
      const same = st !== undefined && inodeKey(st.dev, st.ino) === t.inode;
      if (fh && same && (await fingerprint(fh)) === t.fileId) {
        t.fh = fh;
        return true;
      }
      // Another file at the path, or this inode now holds other content: the next scan sorts it out.
      if (same) this.#registry.unmapInode(t);
    } catch (e) {
      if (!isFsError(e)) throw e;
    }
    await fh?.close().catch(() => {});
    t.eof = true;
    return false;
  }

  #flushIdle(c: BatchCollector, now: number): void {
    for (const t of this.#files) {
      if (t.eof && t.framer.position < t.readOffset) t.framer.idle(now - t.lastDataMs, c.sinkFor(t));
    }
  }

  async #closeIdle(c: BatchCollector, now: number): Promise<void> {
    for (const t of this.#files) {
      if (!t.fh || !t.eof || now - t.lastDataMs < this.#o.idleCloseMs) continue;
      if (!t.attached) {
        // Renamed away and quiet: nothing more will come, and once closed it cannot be reopened.
        t.framer.flush(c.sinkFor(t));
        this.#registry.unmapInode(t);
        t.retired = true;
      }
      await t.close();
    }
  }

  #positions(): SourcePosition[] {
    const out: SourcePosition[] = [];
    for (const t of this.#files) {
      const offset = t.framer.position;
      // A new path alone is worth reporting too: the committed state then names the file as it is now.
      if (offset === t.reported.offset && t.path === t.reported.path) continue;
      out.push({ pipeline: this.#o.pipeline, fileId: t.fileId, path: t.path, offset });
      t.reported = { offset, path: t.path };
    }
    for (const t of this.#files) {
      // Only its position is worth keeping, in case the file turns up at a glob path again.
      if (t.retired) this.#registry.retire(t);
    }
    return out;
  }
}
