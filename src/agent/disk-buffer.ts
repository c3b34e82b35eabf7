// The agent's bounded disk buffer between its pipelines and the shipper: append-only segment files
// of framed records (frame.ts), one record per commit, fsynced before the commit returns; a small
// `shipped.json` pointer says how far the servers have acknowledged. Fully shipped segments are
// deleted, except the newest one holding a record (its last record carries the source positions
// and the sequence number the agent resumes from). A torn tail (crash mid-append) is truncated
// at open. When full, `block` makes appends wait for the shipper; `drop_oldest` deletes the
// oldest unshipped segment and counts what it held.
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { type FileHandle, open, readFile, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeadLetter, MortarEvent } from '../events/event.ts';
import type { SourcePosition } from '../sources/source.ts';
import { decodeFrames, encodeFrame } from './frame.ts';
import { encodeRecord, type RecordBody, type RecordHead, recordBody, recordHead } from './record.ts';

export type WhenFull = 'block' | 'drop_oldest';

export interface DiskBufferOptions {
  maxBytes: number;
  segmentBytes: number;
  whenFull: WhenFull;
  log?: (line: string) => void;
}

/** Where shipping stands: the first unshipped byte is `offset` in segment `segment`. */
export interface Cursor {
  segment: number;
  offset: number;
}

interface RecordInfo extends RecordHead {
  start: number;
  end: number;
}

interface Segment {
  id: number;
  size: number;
  records: RecordInfo[];
}

export interface ReadRecord {
  seq: number;
  events: number;
  deadLetters: number;
  /** The record's body JSON, as shipped. */
  body: Buffer;
}

export interface DroppedCounts {
  records: number;
  events: number;
  deadLetters: number;
}

export interface DiskBufferStats {
  stream: string;
  lastSeq: number;
  /** Bytes of all segment files on disk. */
  diskBytes: number;
  segments: number;
  unshippedRecords: number;
  unshippedBytes: number;
  /** Write time of the oldest unshipped record (ms since the epoch), if any. */
  oldestUnshippedAt?: number;
  dropped: DroppedCounts;
  /** Bytes cut off torn tails at open. */
  truncatedBytes: number;
}

const SEGMENT = /^segment-(\d{12})\.log$/;
const segmentName = (id: number) => `segment-${String(id).padStart(12, '0')}.log`;
const before = (a: Cursor, b: Cursor) =>
  a.segment < b.segment || (a.segment === b.segment && a.offset < b.offset);

export class DiskBuffer {
  private segments: Segment[] = [];
  private writer: FileHandle | undefined;
  private cursor: Cursor = { segment: 1, offset: 0 };
  private positions = new Map<string, SourcePosition>();
  private waiters: (() => void)[] = [];
  private closed = false;
  /** Records dropped while a read was out: if the servers acknowledge them after all, they are un-counted. */
  private droppedWhileOut = new Map<number, { events: number; deadLetters: number }>();
  private readsOut = 0;
  lastSeq = 0;
  truncatedBytes = 0;
  readonly dropped: DroppedCounts = { records: 0, events: 0, deadLetters: 0 };

  private constructor(
    readonly dir: string,
    readonly stream: string,
    private readonly opts: DiskBufferOptions,
  ) {}

  /** Opens (or creates) the buffer in `dir`, truncating a torn tail and restoring positions. */
  static async open(dir: string, opts: DiskBufferOptions): Promise<DiskBuffer> {
    mkdirSync(dir, { recursive: true });
    const streamFile = join(dir, 'stream');
    if (!existsSync(streamFile)) await writeAtomic(streamFile, `${randomUUID()}\n`);
    const buffer = new DiskBuffer(dir, readFileSync(streamFile, 'utf8').trim(), opts);
    await buffer.recover();
    return buffer;
  }

  private async recover(): Promise<void> {
    const ids = readdirSync(this.dir)
      .map((f) => SEGMENT.exec(f)?.[1])
      .filter((x): x is string => x !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    let last: Buffer | undefined;
    for (const id of ids) {
      const path = join(this.dir, segmentName(id));
      const data = await readFile(path);
      const { frames, validEnd } = decodeFrames(data);
      if (validEnd < data.length) {
        await truncate(path, validEnd);
        this.truncatedBytes += data.length - validEnd;
        this.opts.log?.(
          `buffer: ${segmentName(id)} ends in a torn or corrupt record at byte ${validEnd}: cut ${data.length - validEnd} bytes (they were never acknowledged to the pipelines, which read them again)`,
        );
      }
      const records = frames.map((f) => ({ ...recordHead(f.payload), start: f.start, end: f.end }));
      // A commit split into several records whose last one is missing was torn: cut it whole.
      let whole = records.length;
      while (whole > 0 && records[whole - 1]!.last === false) whole--;
      if (whole < records.length) {
        const cut = records[whole]!.start;
        await truncate(path, cut);
        this.truncatedBytes += validEnd - cut;
        this.opts.log?.(
          `buffer: ${segmentName(id)} ends in a commit whose last record is missing: cut ${validEnd - cut} bytes from byte ${cut}`,
        );
      }
      const kept = records.slice(0, whole);
      this.segments.push({
        id,
        size: whole < records.length ? records[whole]!.start : validEnd,
        records: kept,
      });
      if (whole > 0) last = frames[whole - 1]!.payload;
    }
    const pointer = readPointer(join(this.dir, 'shipped.json'));
    if (last) {
      const body = JSON.parse(recordBody(last).toString()) as RecordBody;
      // Never reuse a number the servers may have seen (the pointer holds the last one appended then).
      this.lastSeq = Math.max(body.seq, pointer?.seq ?? 0);
      for (const p of body.positions) this.positions.set(key(p), p);
    } else this.lastSeq = pointer?.seq ?? 0;
    const first = this.segments[0];
    if (pointer && first && !before(pointer, { segment: first.id, offset: 0 })) {
      const seg = this.segments.find((s) => s.id === pointer.segment);
      this.cursor = seg ? { segment: seg.id, offset: Math.min(pointer.offset, seg.size) } : pointer;
    } else this.cursor = { segment: first?.id ?? 1, offset: 0 };
    if (this.segments.length === 0) this.segments.push({ id: this.cursor.segment, size: 0, records: [] });
    const newest = this.segments[this.segments.length - 1]!;
    this.writer = await open(join(this.dir, segmentName(newest.id)), 'a');
  }

  /** The source positions of the last stored record (where the agent's pipelines resume). */
  sourcePositions(pipeline?: string): SourcePosition[] {
    const all = [...this.positions.values()];
    return pipeline === undefined ? all : all.filter((p) => p.pipeline === pipeline);
  }

  /**
   * Stores one commit durably (fsync) as the next record(s); resolves once it is on disk. With
   * `block`, waits while the buffer is full.
   */
  async append(rows: { events: MortarEvent[]; deadLetters: DeadLetter[]; positions: SourcePosition[] }) {
    if (this.closed) throw new Error('the agent buffer is closed');
    const next = new Map(this.positions);
    for (const p of rows.positions) next.set(key(p), p);
    const frames = this.encode(rows, [...next.values()]);
    const bytes = frames.reduce((a, f) => a + f.frame.length, 0);
    if (this.opts.whenFull === 'block') {
      while (!this.closed && this.unshippedBytes() > 0 && this.unshippedBytes() + bytes > this.opts.maxBytes)
        await new Promise<void>((r) => this.waiters.push(r));
      if (this.closed) throw new Error('the agent buffer is closed');
    }
    let newest = this.segments[this.segments.length - 1]!;
    if (newest.size >= this.opts.segmentBytes) newest = await this.roll();
    await this.writer!.write(
      frames.length === 1 ? frames[0]!.frame : Buffer.concat(frames.map((f) => f.frame)),
    );
    await this.writer!.datasync();
    for (const { head, frame } of frames) {
      newest.records.push({ ...head, start: newest.size, end: newest.size + frame.length });
      newest.size += frame.length;
    }
    this.lastSeq += frames.length;
    this.positions = next;
    if (this.opts.whenFull === 'drop_oldest') await this.dropWhileFull();
    this.wake();
  }

  /** One commit as frames of at most about a quarter segment each; positions go with the last. */
  private encode(
    rows: { events: MortarEvent[]; deadLetters: DeadLetter[] },
    positions: SourcePosition[],
  ): { head: RecordHead; frame: Buffer }[] {
    const limit = this.opts.segmentBytes / 4;
    const frameOf = (seq: number, events: MortarEvent[], deadLetters: DeadLetter[], last: boolean) => {
      const head: RecordHead = {
        seq,
        at: Date.now(),
        events: events.length,
        deadLetters: deadLetters.length,
        ...(last ? {} : { last: false as const }),
      };
      const body: RecordBody = { seq, positions: last ? positions : [], events, deadLetters };
      return { head, frame: encodeFrame(encodeRecord(head, body)) };
    };
    const whole = frameOf(this.lastSeq + 1, rows.events, rows.deadLetters, true);
    const total = rows.events.length + rows.deadLetters.length;
    if (whole.frame.length <= limit || total <= 1) return [whole];
    const per = Math.max(1, Math.ceil(total / Math.ceil(whole.frame.length / limit)));
    const out: { head: RecordHead; frame: Buffer }[] = [];
    for (let i = 0; i < total; i += per) {
      const end = Math.min(total, i + per);
      const events = rows.events.slice(Math.min(i, rows.events.length), Math.min(end, rows.events.length));
      const dead = rows.deadLetters.slice(
        Math.max(0, i - rows.events.length),
        Math.max(0, end - rows.events.length),
      );
      out.push(frameOf(this.lastSeq + 1 + out.length, events, dead, end === total));
    }
    return out;
  }

  private async roll(): Promise<Segment> {
    const segment: Segment = { id: this.segments[this.segments.length - 1]!.id + 1, size: 0, records: [] };
    await this.writer?.close();
    this.writer = await open(join(this.dir, segmentName(segment.id)), 'a');
    syncDir(this.dir);
    this.segments.push(segment);
    return segment;
  }

  private async dropWhileFull(): Promise<void> {
    while (this.unshippedBytes() > this.opts.maxBytes) {
      const oldest = this.segments.find(
        (s) => s.id >= this.cursor.segment && s.records.some((r) => this.unshipped(s, r)),
      );
      if (!oldest || oldest === this.segments[this.segments.length - 1]) return;
      const lost = oldest.records.filter((r) => this.unshipped(oldest, r));
      for (const r of lost) {
        this.dropped.records++;
        this.dropped.events += r.events;
        this.dropped.deadLetters += r.deadLetters;
        if (this.readsOut > 0)
          this.droppedWhileOut.set(r.seq, { events: r.events, deadLetters: r.deadLetters });
      }
      this.opts.log?.(
        `buffer: full (${this.opts.maxBytes} bytes), dropped the oldest unshipped segment ${segmentName(oldest.id)}: ${lost.length} records, ${lost.reduce((a, r) => a + r.events, 0)} events (when_full: drop_oldest)`,
      );
      const next = this.segments[this.segments.indexOf(oldest) + 1]!;
      this.cursor = { segment: next.id, offset: 0 };
      await this.removeShipped();
    }
  }

  private unshipped(s: Segment, r: RecordInfo): boolean {
    return !before({ segment: s.id, offset: r.start }, this.cursor);
  }

  unshippedBytes(): number {
    let n = 0;
    for (const s of this.segments)
      if (s.id >= this.cursor.segment)
        for (const r of s.records) if (this.unshipped(s, r)) n += r.end - r.start;
    return n;
  }

  /** The next unshipped records, up to about `maxBytes` (at least one); undefined when all is shipped. */
  async read(maxBytes: number): Promise<{ records: ReadRecord[]; upTo: Cursor } | undefined> {
    const out: ReadRecord[] = [];
    let upTo = this.cursor;
    let bytes = 0;
    this.readsOut++;
    try {
      for (const s of this.segments) {
        const pending = s.records.filter((r) => this.unshipped(s, r));
        if (pending.length === 0) continue;
        const take: RecordInfo[] = [];
        for (const r of pending) {
          if (out.length + take.length > 0 && bytes + (r.end - r.start) > maxBytes) break;
          take.push(r);
          bytes += r.end - r.start;
        }
        if (take.length === 0) break;
        const handle = await open(join(this.dir, segmentName(s.id)), 'r').catch(() => undefined);
        if (!handle) break; // dropped meanwhile (drop_oldest): the next read starts after it
        try {
          const from = take[0]!.start;
          const data = Buffer.allocUnsafe(take[take.length - 1]!.end - from);
          await handle.read(data, 0, data.length, from);
          for (const f of decodeFrames(data, from).frames) {
            const h = recordHead(f.payload);
            out.push({
              seq: h.seq,
              events: h.events,
              deadLetters: h.deadLetters,
              body: recordBody(f.payload),
            });
          }
        } finally {
          await handle.close();
        }
        upTo = { segment: s.id, offset: take[take.length - 1]!.end };
        if (take.length < pending.length) break;
      }
    } catch (e) {
      this.readsOut--;
      throw e;
    }
    if (out.length === 0) this.readsOut--;
    return out.length === 0 ? undefined : { records: out, upTo };
  }

  /** The servers stored everything read up to `upTo` (or it was given up on): move the pointer. */
  async ack(upTo: Cursor, delivered: readonly ReadRecord[]): Promise<void> {
    this.readsOut = Math.max(0, this.readsOut - 1);
    for (const r of delivered) {
      const d = this.droppedWhileOut.get(r.seq);
      if (!d) continue;
      this.dropped.records--;
      this.dropped.events -= d.events;
      this.dropped.deadLetters -= d.deadLetters;
    }
    if (this.readsOut === 0) this.droppedWhileOut.clear();
    if (before(this.cursor, upTo)) {
      this.cursor = upTo;
      await this.removeShipped();
    }
    this.wake();
  }

  /** A read whose records were not delivered (the request failed): they stay unshipped. */
  release(): void {
    this.readsOut = Math.max(0, this.readsOut - 1);
    if (this.readsOut === 0) this.droppedWhileOut.clear();
  }

  /** Deletes fully shipped segments that have a later segment holding a record; saves the pointer. */
  private async removeShipped(): Promise<void> {
    const lastWithRecords = [...this.segments].reverse().find((s) => s.records.length > 0)?.id ?? 0;
    const keep: Segment[] = [];
    for (const s of this.segments) {
      const shipped = s.records.every((r) => !this.unshipped(s, r));
      if (shipped && s.id < lastWithRecords && s !== this.segments[this.segments.length - 1])
        await rm(join(this.dir, segmentName(s.id)), { force: true });
      else keep.push(s);
    }
    this.segments = keep;
    await writeAtomic(join(this.dir, 'shipped.json'), JSON.stringify({ ...this.cursor, seq: this.lastSeq }));
  }

  /** Resolves when there is something to ship (or the buffer closes). */
  async waitForData(): Promise<void> {
    while (!this.closed && this.unshippedBytes() === 0) await new Promise<void>((r) => this.waiters.push(r));
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  stats(): DiskBufferStats {
    let records = 0;
    let oldest: number | undefined;
    for (const s of this.segments)
      for (const r of s.records)
        if (this.unshipped(s, r)) {
          records++;
          oldest ??= r.at;
        }
    return {
      stream: this.stream,
      lastSeq: this.lastSeq,
      diskBytes: this.segments.reduce((a, s) => a + s.size, 0),
      segments: this.segments.length,
      unshippedRecords: records,
      unshippedBytes: this.unshippedBytes(),
      ...(oldest !== undefined ? { oldestUnshippedAt: oldest } : {}),
      dropped: { ...this.dropped },
      truncatedBytes: this.truncatedBytes,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake();
    await this.writer?.close();
    this.writer = undefined;
  }
}

const key = (p: SourcePosition) => `${p.pipeline}\0${p.fileId}`;

function readPointer(path: string): (Cursor & { seq: number }) | undefined {
  try {
    const p = JSON.parse(readFileSync(path, 'utf8')) as Cursor & { seq: number };
    return Number.isInteger(p.segment) && Number.isInteger(p.offset) ? p : undefined;
  } catch {
    return undefined; // missing or half-written: ship from the oldest segment (the server skips repeats)
  }
}

async function writeAtomic(path: string, text: string): Promise<void> {
  await writeFile(`${path}.tmp`, text);
  await rename(`${path}.tmp`, path);
}

function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
