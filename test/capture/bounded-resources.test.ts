// Bounded resources of the file source: memory stays flat while a 200 MB backlog (plain, and
// gzip-compressed) is read by a slow consumer — the consumer's await is the backpressure — and
// the open file handles never exceed the cap, with many more files than the cap being written.
import {
  closeSync,
  createWriteStream,
  openSync,
  readdirSync,
  readlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGzip } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { createFileSource } from '../../src/sources/file.ts';
import { removeTempDataDirs, tempDataDir } from './ingest-harness.ts';

afterAll(removeTempDataDirs);

const MB = 1024 * 1024;
const LINE = (i: number) => `line ${String(i).padStart(8, '0')} some payload text for the backlog\n`;

/** ~`mb` MB of numbered lines, produced a megabyte at a time. */
function* backlog(mb: number): Generator<Buffer> {
  let i = 0;
  for (let written = 0; written < mb * MB; ) {
    let s = '';
    while (s.length < MB) s += LINE(i++);
    written += s.length;
    yield Buffer.from(s);
  }
}

async function readAll(
  dir: string,
  include: string,
): Promise<{ lines: number; last: string; peakMb: number }> {
  const source = createFileSource({ pipeline: 'mem', baseDir: dir, include: [include], pollIntervalMs: 20 });
  const abort = new AbortController();
  await sleep(100);
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  let lines = 0;
  let last = '';
  for await (const batch of source.batches(abort.signal)) {
    lines += batch.records.length;
    if (batch.records.length > 0) last = batch.records.at(-1)!.text;
    peak = Math.max(peak, process.memoryUsage().rss);
    // A slow consumer: the source must wait for it rather than read ahead.
    await sleep(2);
    if (source.stats().bytesBehind === 0 && lines > 0) abort.abort();
  }
  return { lines, last, peakMb: (peak - baseline) / MB };
}

describe('bounded resources', () => {
  it('reads a 200 MB backlog with a slow consumer in bounded memory', async () => {
    const dir = tempDataDir('mortar-backlog-');
    const fd = openSync(join(dir, 'logs', 'big.log'), 'w');
    let n = 0;
    for (const b of backlog(200)) {
      writeSync(fd, b);
      n += b.toString().split('\n').length - 1;
    }
    closeSync(fd);
    const r = await readAll(dir, 'logs/big.log');
    console.log(`200 MB plain backlog: ${r.lines} lines, rss peak +${r.peakMb.toFixed(0)} MB over baseline`);
    expect(r.lines).toBe(n);
    expect(r.last).toBe(LINE(n - 1).trimEnd());
    expect(r.peakMb).toBeLessThan(150);
  }, 60_000);

  it('reads a gzip archive of a 200 MB backlog streaming, in bounded memory', async () => {
    const dir = tempDataDir('mortar-backlog-gz-');
    let n = 0;
    const counted = Readable.from(
      (function* () {
        for (const b of backlog(200)) {
          n += b.toString().split('\n').length - 1;
          yield b;
        }
      })(),
    );
    await pipeline(counted, createGzip({ level: 1 }), createWriteStream(join(dir, 'logs', 'big.log.1.gz')));
    const r = await readAll(dir, 'logs/big.log.1.gz');
    console.log(`200 MB gzip backlog: ${r.lines} lines, rss peak +${r.peakMb.toFixed(0)} MB over baseline`);
    expect(r.lines).toBe(n);
    expect(r.peakMb).toBeLessThan(150);
  }, 60_000);

  it('never holds more open files than the cap, with 60 files written at once', async () => {
    const dir = tempDataDir('mortar-open-files-');
    const logs = join(dir, 'logs');
    const files = Array.from({ length: 60 }, (_, i) => join(logs, `f${String(i).padStart(2, '0')}.log`));
    for (const [i, f] of files.entries()) writeFileSync(f, `file ${i} header\n`);
    const source = createFileSource({
      pipeline: 'cap',
      baseDir: dir,
      include: ['logs/*.log'],
      pollIntervalMs: 10,
      maxOpenFiles: 8,
      idleCloseMs: 20,
      chunkBytes: 4096,
    });
    const abort = new AbortController();
    // File descriptors of this process open on files of the test directory (not the directory
    // itself, which the glob reads), counted by the system.
    const openHere = () =>
      readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`).startsWith(`${logs}/`);
        } catch {
          return false;
        }
      }).length;
    const seen = new Map<string, number>();
    let maxOpen = 0;
    const reading = (async () => {
      for await (const batch of source.batches(abort.signal)) {
        for (const r of batch.records) seen.set(r.text, (seen.get(r.text) ?? 0) + 1);
        maxOpen = Math.max(maxOpen, openHere());
      }
    })();
    for (let round = 0; round < 20; round++) {
      for (const [i, f] of files.entries()) {
        const fd = openSync(f, 'a');
        writeSync(fd, `file ${i} round ${round}\n`);
        closeSync(fd);
      }
      maxOpen = Math.max(maxOpen, openHere());
      await sleep(15);
    }
    const until = Date.now() + 20_000;
    while (seen.size < 60 * 21 && Date.now() < until) await sleep(20);
    abort.abort();
    await reading;
    expect(seen.size).toBe(60 * 21);
    expect([...seen.values()].every((k) => k === 1)).toBe(true);
    expect(maxOpen).toBeGreaterThan(0);
    expect(maxOpen).toBeLessThanOrEqual(8);
  }, 30_000);
});
