// The copytruncate race seen in CI under load, replayed step by step with real files and the real
// file source: the source has read lines 0-19; the writer appends lines 20-39 (not read yet);
// logrotate copies app.log to app.log.1 and truncates app.log; the writer carries on with lines
// 40-69 — and only then does the source scan again. It then finds app.log longer than its read
// position but starting with other bytes, and app.log.1 starting like app.log did, longer than
// app.log is now. app.log.1 must resume at the old position (lines 20-39), app.log must start over
// (lines 40-69), and lines 0-19 must not come again.
//
// The source is driven by pulling its batches() generator one batch at a time (polling at every
// step: pollIntervalMs 0). While the test holds a batch the generator is suspended, so no scan or
// read happens while the files are changed: the interleaving is exact, not a matter of timing.
import { appendFileSync, copyFileSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RawRecord, Source, SourceBatch, SourcePosition } from '../source.ts';
import {
  duplicatesAndMissing,
  expectedLines,
  fileSource,
  numbered,
  removeTempDirs,
  tempDir,
} from './test-files.ts';

afterEach(removeTempDirs);

/** Pulls batches from a source one at a time, keeping records and the latest position per file. */
class Stepper {
  readonly records: RawRecord[] = [];
  readonly #positions = new Map<string, SourcePosition>();
  readonly #abort = new AbortController();
  readonly #batches: AsyncIterator<SourceBatch>;

  constructor(readonly source: Source) {
    this.#batches = source.batches(this.#abort.signal)[Symbol.asyncIterator]();
  }

  /** Positions as committed after the last batch taken (what a restart gets). */
  get positions(): SourcePosition[] {
    return [...this.#positions.values()];
  }

  get texts(): string[] {
    return this.records.map((r) => r.text);
  }

  /** Runs the source until it hands out its next batch (a scan, then reads, per iteration). */
  async step(): Promise<SourceBatch> {
    // Only a guard: a source that never hands out another batch fails here rather than hanging.
    let timer: NodeJS.Timeout | undefined;
    const stuck = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no batch; have ${this.texts.join(', ')}`)), 10_000);
    });
    try {
      const r = await Promise.race([this.#batches.next(), stuck]);
      if (r.done) throw new Error('the source stopped');
      this.records.push(...r.value.records);
      for (const p of r.value.positions) this.#positions.set(p.fileId, p);
      return r.value;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Takes batches until `text` has been handed out. */
  async until(text: string, maxSteps = 20): Promise<void> {
    for (let i = 0; i < maxSteps && !this.texts.includes(text); i++) await this.step();
    if (!this.texts.includes(text)) throw new Error(`"${text}" not read in ${maxSteps} batches`);
  }

  /** Stops the source as a shutdown does (its finally block runs; nothing more is read). */
  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#batches.return?.();
  }
}

const lineNo = (text: string): number => Number(/^line-(\d+) /.exec(text)?.[1]);
const last = (from: number, to: number): string => expectedLines(from, to).at(-1)!;

/** Every line 0..to-1 exactly once, and each identity's (and each path's) lines in file order. */
function expectExactlyOnceInOrder(records: RawRecord[], to: number): void {
  expect(
    duplicatesAndMissing(
      records.map((r) => r.text),
      expectedLines(0, to),
    ),
  ).toEqual({
    duplicates: [],
    missing: [],
  });
  expect(records).toHaveLength(to);
  for (const by of ['fileId', 'file'] as const) {
    const groups = new Map<string, RawRecord[]>();
    for (const r of records) groups.set(r[by], [...(groups.get(r[by]) ?? []), r]);
    for (const rs of groups.values()) {
      const nos = rs.map((r) => lineNo(r.text));
      expect(nos).toEqual([...nos].sort((a, b) => a - b));
    }
  }
}

interface Race {
  /** Lines appended after the source's last read, so present in the copy but not read yet. */
  unread: number;
  /** Lines written to app.log after the truncation (its new content: a different first line). */
  after: number;
}

/**
 * Lines 0-19 are read; then `unread` more lines are written, app.log is copied to app.log.1 and
 * truncated, and `after` new lines are written to it — all before the source looks again.
 */
function rotate(log: string, race: Race): number {
  appendFileSync(log, numbered(20, 20 + race.unread));
  copyFileSync(log, `${log}.1`);
  truncateSync(log, 0);
  const end = 20 + race.unread + race.after;
  appendFileSync(log, numbered(20 + race.unread, end));
  return end;
}

/** Starts a source on `dir` with app.log holding lines 0-19, and takes the batch that reads them. */
async function readFirstTwenty(
  dir: string,
  options: Parameters<typeof fileSource>[1] = {},
): Promise<Stepper> {
  writeFileSync(join(dir, 'app.log'), numbered(0, 20));
  const s = new Stepper(fileSource(dir, { include: ['app.log*'], pollIntervalMs: 0, ...options }));
  const first = await s.step();
  expect(first.records.map((r) => r.text)).toEqual(expectedLines(0, 20));
  // The position is at the end of line 19: committed with the batch that read it.
  expect(first.positions).toHaveLength(1);
  expect(first.positions[0]!.offset).toBe(numbered(0, 20).length);
  return s;
}

/** One more line after everything: once it is read, a whole scan has passed with nothing read twice. */
async function sentinel(s: Stepper, log: string, end: number): Promise<void> {
  appendFileSync(log, numbered(end, end + 1));
  await s.until(last(end, end + 1));
  expectExactlyOnceInOrder(s.records, end + 1);
}

describe('file source: copytruncate while the original was truncated and has grown again', () => {
  // Sizes: app.log now (30 lines of new content) is past the old position (20 lines) and shorter
  // than the copy (40 lines): the copy is neither "no longer than its original" nor one of a file
  // that shrank, so without the check that app.log still starts with its head it was read from 0.
  const race: Race = { unread: 20, after: 30 };

  it('resumes the copy at the old position and reads the new content from its start: 0..69 once each', async () => {
    const dir = tempDir();
    const log = join(dir, 'app.log');
    const s = await readFirstTwenty(dir);
    const end = rotate(log, race);
    expect(numbered(40, end).length).toBeGreaterThan(numbered(0, 20).length);
    expect(numbered(40, end).length).toBeLessThan(numbered(0, 40).length);

    await s.until(last(20, 40));
    await s.until(last(40, end));
    expectExactlyOnceInOrder(s.records, end);
    // The copy carried on the identity of lines 0-19; the new content is another identity.
    const first = s.records[0]!.fileId;
    expect(s.records.filter((r) => r.fileId === first).map((r) => lineNo(r.text))).toEqual(
      Array.from({ length: 40 }, (_, i) => i),
    );
    expect(
      s.records
        .filter((r) => lineNo(r.text) >= 20 && lineNo(r.text) < 40)
        .every((r) => r.file === 'app.log.1'),
    ).toBe(true);
    await sentinel(s, log, end);
    const committed = s.positions;
    await s.stop();

    // A restart from what was committed reads nothing again.
    const again = new Stepper(
      fileSource(dir, { include: ['app.log*'], pollIntervalMs: 0, positions: committed }),
    );
    appendFileSync(log, numbered(end + 1, end + 2));
    await again.until(last(end + 1, end + 2));
    await again.stop();
    expect(again.texts).toEqual(expectedLines(end + 1, end + 2));
  });

  it('the same when the original had been closed for being idle before the rotation', async () => {
    const dir = tempDir();
    const log = join(dir, 'app.log');
    // idleCloseMs 0: app.log is closed as soon as it has been read to its end (as after 60 s quiet
    // by default, or to stay under maxOpenFiles): its head is then checked at its path.
    const s = await readFirstTwenty(dir, { idleCloseMs: 0 });
    expect(s.source.stats().filesOpen).toBe(0);
    const end = rotate(log, race);
    await s.until(last(20, 40));
    await s.until(last(40, end));
    expectExactlyOnceInOrder(s.records, end);
    await sentinel(s, log, end);
    await s.stop();
  });

  it('the same when the source is stopped at that moment and restarted from its committed positions', async () => {
    const dir = tempDir();
    const log = join(dir, 'app.log');
    const s = await readFirstTwenty(dir);
    const end = rotate(log, race);
    const committed = s.positions;
    await s.stop();
    expect(s.texts).toEqual(expectedLines(0, 20));

    const r = new Stepper(
      fileSource(dir, { include: ['app.log*'], pollIntervalMs: 0, positions: committed }),
    );
    await r.until(last(20, 40));
    await r.until(last(40, end));
    const all = [...s.records, ...r.records];
    expectExactlyOnceInOrder(all, end);
    appendFileSync(log, numbered(end, end + 1));
    await r.until(last(end, end + 1));
    await r.stop();
    expectExactlyOnceInOrder([...s.records, ...r.records], end + 1);
  });

  // Nothing unread in the copy: it is no longer than app.log is now, so a copy either way (this
  // one passes without the head check too; kept as the plain case).
  it('the copy exactly at the old position, the new content longer than it: 0..59 once each', async () => {
    const dir = tempDir();
    const log = join(dir, 'app.log');
    const s = await readFirstTwenty(dir);
    const end = rotate(log, { unread: 0, after: 40 });
    await s.until(last(20, end));
    expectExactlyOnceInOrder(s.records, end);
    await sentinel(s, log, end);
    await s.stop();
  });
});

describe('file source: restarted at each point of a copytruncate, from the positions committed so far', () => {
  // The copy is parked (found by a scan, its original not yet seen truncated) only until app.log
  // is read next, normally in the same iteration. To hand a batch out in between, aaa.log — found
  // before app.log (paths sorted), so read first — fills it (batchMaxRecords 10) before app.log's
  // turn. Each point is checked on the source's own counts before the restart.
  const points = ['rotated', 'parked', 'released', 'resumed', 'read'] as const;
  const options = { include: ['app.log*', 'aaa.log'], pollIntervalMs: 0, batchMaxRecords: 10 };
  const busy = (from: number, to: number): string[] => expectedLines(from, to, 'busy');

  it.each(points)('restart when %s: every line delivered once across both runs', async (point) => {
    const dir = tempDir();
    const log = join(dir, 'app.log');
    const other = join(dir, 'aaa.log');
    writeFileSync(log, numbered(0, 20));
    writeFileSync(other, numbered(0, 1, 'busy'));
    const first = new Stepper(fileSource(dir, options));
    expect((await first.step()).records.map((r) => r.text)).toEqual([...busy(0, 1), ...expectedLines(0, 20)]);
    const texts = (b: SourceBatch): string[] => b.records.map((r) => r.text);

    let busyWritten = 21;
    const phases: Record<(typeof points)[number], () => Promise<void>> = {
      // Lines 20-39 unread in the copy, 40-69 the new content of app.log: nothing scanned yet.
      rotated: async () => {
        rotate(log, { unread: 20, after: 30 });
        appendFileSync(other, numbered(1, 21, 'busy'));
      },
      // The scan found app.log.1 (a copy: app.log no longer starts with its head) and parked it;
      // aaa.log filled the batch, so app.log was not read and is still followed.
      parked: async () => {
        expect(texts(await first.step())).toEqual(busy(1, 21));
        expect(first.source.stats()).toMatchObject({ truncations: 0, filesKnown: 2 });
      },
      // app.log was read, seen truncated and let go (which releases the copy), in the same batch
      // as aaa.log's lines; neither file at app.log* has been found again yet.
      released: async () => {
        appendFileSync(other, numbered(21, 26, 'busy'));
        busyWritten = 26;
        expect(texts(await first.step())).toEqual(busy(21, 26));
        expect(first.source.stats()).toMatchObject({ truncations: 1, filesKnown: 1 });
      },
      // Both found: app.log.1 resumed the old identity at the old position (its new path is
      // committed with this batch), app.log's new content is read first and fills the batch.
      resumed: async () => {
        const b = await first.step();
        expect(texts(b)).toEqual(expectedLines(40, 70));
        expect(b.positions.find((p) => p.path === 'app.log.1')?.offset).toBe(numbered(0, 20).length);
        expect(first.source.stats()).toMatchObject({ truncations: 1, filesKnown: 3 });
      },
      read: async () => {
        expect(texts(await first.step())).toEqual(expectedLines(20, 40));
      },
    };
    for (const p of points) {
      await phases[p]();
      if (p === point) break;
    }
    const committed = first.positions;
    await first.stop();

    const second = new Stepper(fileSource(dir, { ...options, positions: committed }));
    const all = (): string[] => [...first.texts, ...second.texts];
    // Written after the restart: app.log's new content goes on, and so does aaa.log.
    appendFileSync(log, numbered(70, 75));
    appendFileSync(other, numbered(busyWritten, 30, 'busy'));
    // Read in any order across files: each file's last line, then a whole scan with nothing more.
    for (const text of [last(20, 40), last(70, 75), busy(29, 30)[0]!]) {
      if (!all().includes(text)) await second.until(text);
    }
    appendFileSync(log, numbered(75, 76));
    await second.until(last(75, 76));
    await second.stop();
    const records = [...first.records, ...second.records];
    expectExactlyOnceInOrder(
      records.filter((r) => r.text.startsWith('line-')),
      76,
    );
    const busyRead = records.filter((r) => r.text.startsWith('busy-')).map((r) => r.text);
    expect(duplicatesAndMissing(busyRead, busy(0, 30))).toEqual({ duplicates: [], missing: [] });
    expect(busyRead).toHaveLength(30);
  });
});

describe('file source: copytruncate, and the original regrew to exactly its read position', () => {
  // app.log was read to the end of line 19; lines 20-39 were appended, copied to app.log.1, and
  // app.log truncated and written again with lines 40-59 — exactly as many bytes as had been read —
  // after which nothing more is written. Nothing in app.log lies past the read position, so no read
  // would see its new head; only its modification time tells that it changed. The scan checks it
  // then (head, and the window before the position, as a restart would), lets the original go and
  // the copy resumes at once instead of waiting for app.log to grow.
  async function regrown(
    options: Parameters<typeof fileSource>[1] = {},
  ): Promise<{ s: Stepper; log: string }> {
    const dir = tempDir();
    const log = join(dir, 'app.log');
    const s = await readFirstTwenty(dir, options);
    const readAt = statSync(log);
    appendFileSync(log, numbered(20, 40));
    copyFileSync(log, `${log}.1`);
    truncateSync(log, 0);
    appendFileSync(log, numbered(40, 60));
    expect(statSync(log).size).toBe(readAt.size);
    // File times tick coarsely (a kernel tick, up to 10 ms): the writes above may fall in the
    // tick of the first one; a real rotation comes later. Moved on by a second so they never do.
    utimesSync(log, readAt.atime, new Date(readAt.mtimeMs + 1000));
    return { s, log };
  }

  it('the copy is read at once, and the new content from its start: 0..59 once each', async () => {
    const { s, log } = await regrown();
    await s.until(last(20, 40));
    await s.until(last(40, 60));
    expectExactlyOnceInOrder(s.records, 60);
    expect(s.source.stats().truncations).toBe(1);
    await sentinel(s, log, 60);
    await s.stop();
  });

  it('the same when app.log had been closed for being idle', async () => {
    const { s, log } = await regrown({ idleCloseMs: 0 });
    await s.until(last(20, 40));
    await s.until(last(40, 60));
    expectExactlyOnceInOrder(s.records, 60);
    await sentinel(s, log, 60);
    await s.stop();
  });
});

describe('file source: the original rewritten to exactly its read position with the same head', () => {
  // As above, but the new content begins as the old did (lines 0-9 again, then 40-49: same size), and
  // the head is only the first line (fingerprint bytes 32), so only the window before the read
  // position tells the content changed. Without that, app.log.1 (longer than app.log, no original
  // left to resume) would be a new identity, read from its start: lines 0-19 twice.
  it('the copy resumes at the old position; app.log is read again from its start', async () => {
    const dir = tempDir();
    const log = join(dir, 'app.log');
    const s = await readFirstTwenty(dir, { fingerprint: { strategy: 'first_line', bytes: 32 } });
    const readAt = statSync(log);
    appendFileSync(log, numbered(20, 40));
    copyFileSync(log, `${log}.1`);
    truncateSync(log, 0);
    appendFileSync(log, numbered(0, 10) + numbered(40, 50));
    expect(statSync(log).size).toBe(readAt.size);
    utimesSync(log, readAt.atime, new Date(readAt.mtimeMs + 1000));
    await s.until(last(20, 40));
    await s.until(last(40, 50));
    const copy = s.records.filter((r) => r.file === 'app.log.1').map((r) => lineNo(r.text));
    expect(copy).toEqual(Array.from({ length: 20 }, (_, i) => 20 + i));
    const again = s.records
      .slice(20)
      .filter((r) => r.file === 'app.log')
      .map((r) => lineNo(r.text));
    expect(again).toEqual([
      ...Array.from({ length: 10 }, (_, i) => i),
      ...Array.from({ length: 10 }, (_, i) => 40 + i),
    ]);
    expect(s.records).toHaveLength(60);
    await s.stop();
  });
});
