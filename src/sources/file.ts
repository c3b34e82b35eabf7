// The `file` source: tails the files matched by globs under a base directory, follows appends and
// rotation (rename, copytruncate, delete and recreate, gzip archives, symlink switches), and
// resumes from committed positions. A file's identity is its content — the first N bytes, at
// least the first line — not its path or inode, so a renamed file keeps it and a copy or archive
// of a file already read is not read again; a position is used only while the bytes before it are
// unchanged (see file/identify.ts). Everything is polled (fs.watch misses events on network and
// overlay file systems). Reading happens only while a batch is being built: the consumer awaiting
// each batch is the backpressure, and memory stays at one batch whatever the backlog.
import { setTimeout as sleep } from 'node:timers/promises';
import type { FramingConfig } from '../config/schema.ts';
import { BatchCollector } from './file/batch-collector.ts';
import { FileRegistry, isFsError } from './file/file-registry.ts';
import type { TrackedFile } from './file/tracked-file.ts';
import type { Encoding } from './framing/codec.ts';
import { type FramingOptions, toFramingOptions } from './framing/framer.ts';
import type { Source, SourceBatch, SourcePosition, SourceStats } from './source.ts';

export interface FingerprintOptions {
  /**
   * first_line (default): identity is content — the first `bytes` bytes, or the first line if
   * longer — so it survives renames, restarts and copies. device_inode: identity is the device and
   * inode number, for files whose beginnings are identical (copies and archives are then read again).
   */
  strategy?: 'first_line' | 'device_inode';
  /** Default 1024. */
  bytes?: number;
}

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
  fingerprint?: FingerprintOptions;
  /** Text encoding of the files; a UTF-16 byte order mark decides the byte order. Default utf-8. */
  encoding?: Encoding;
}

type Resolved = Required<Omit<FileSourceOptions, 'framing' | 'fingerprint'>> & {
  framing: FramingOptions;
  fingerprint: Required<FingerprintOptions>;
};

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
    fingerprint: {
      strategy: options.fingerprint?.strategy ?? 'first_line',
      bytes: options.fingerprint?.bytes ?? 1024,
    },
    encoding: options.encoding ?? 'utf-8',
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
    let bytesHeld = 0;
    const r = this.#registry;
    let emptyLines = r.retiredEmptyLines;
    let paddingBytes = r.retiredPadding;
    for (const t of this.#files) {
      emptyLines += t.framer.emptyLines;
      paddingBytes += t.framer.paddingBytes;
      if (t.reader) filesOpen++;
      if (!t.attached && !t.reader) continue;
      filesKnown++;
      bytesBehind += t.behind;
      bytesHeld += t.held;
    }
    return {
      filesOpen,
      filesKnown,
      bytesRead: this.#bytesRead,
      bytesBehind,
      bytesHeld,
      emptyLines,
      truncations: r.truncations,
      rotations: r.rotations,
      paddingBytes,
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
      for (const t of [...this.#files]) {
        await t.close();
        // Renamed away: unreachable once its handle is closed.
        if (!t.attached) this.#registry.letGo(t);
      }
    }
  }

  /** Reads chunks round-robin from files with unread bytes until the batch is full or all are read. */
  async #fill(c: BatchCollector, signal: AbortSignal): Promise<void> {
    const readable = [...this.#files].filter((t) => !t.eof && (t.reader || t.attached));
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
    if (!t.reader && !(await this.#registry.reopen(t, c))) {
      t.eof = true;
      return 0;
    }
    const start = t.readOffset;
    let n: number;
    try {
      n = await t.reader!.read(this.#buf, want, start);
      // Read first, then check: bytes read before a truncation are good, bytes after it are not.
      if (n > 0 && !t.gzip && !(await this.#registry.headStillSame(t))) {
        await this.#registry.replaced(t, c, true);
        return 0;
      }
    } catch (e) {
      if (!isFsError(e)) throw e;
      await t.close();
      t.eof = true;
      return 0;
    }
    if (n < want) t.eof = true;
    if (n === 0) {
      // The end of a gzip stream is its size.
      if (t.gzip) t.size = t.readOffset;
      return 0;
    }
    t.readOffset += n;
    t.size = Math.max(t.size, t.readOffset);
    t.lastDataMs = Date.now();
    this.#bytesRead += n;
    const chunk = this.#buf.subarray(0, n);
    t.framer.push(chunk, c.sinkFor(t));
    t.window.pushed(chunk, start, t.framer.position);
    return n;
  }

  #flushIdle(c: BatchCollector, now: number): void {
    for (const t of this.#files) {
      if (!t.eof || t.framer.position >= t.readOffset) continue;
      t.framer.idle(now - t.lastDataMs, c.sinkFor(t));
      t.window.settled(t.framer.position);
    }
  }

  async #closeIdle(c: BatchCollector, now: number): Promise<void> {
    for (const t of [...this.#files]) {
      if (!t.reader || !t.eof || now - t.lastDataMs < this.#o.idleCloseMs) continue;
      await t.close();
      if (!t.attached) {
        // Renamed away and quiet: nothing more will come, and once closed it cannot be reopened.
        t.framer.flush(c.sinkFor(t));
        t.window.settled(t.framer.position);
        this.#registry.letGo(t);
      }
    }
  }

  #positions(): SourcePosition[] {
    // Files let go first: a file resumed under the same identity since then reports after them.
    const out = this.#registry.takeFinalPositions();
    for (const t of this.#files) {
      const offset = t.framer.position;
      // A new path alone is worth reporting too: the committed state then names the file as it is now.
      if (offset === t.reported.offset && t.path === t.reported.path) continue;
      const checksum = t.checksum(offset);
      out.push({ pipeline: this.#o.pipeline, fileId: t.fileId, path: t.path, offset, checksum });
      t.reported = { offset, path: t.path };
    }
    return out;
  }
}
