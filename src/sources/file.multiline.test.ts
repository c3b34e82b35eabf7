// Multiline framing through the file source: idle flush, and no record lost or repeated when
// the source stops while it holds one.
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { SourceHarness } from './file/source-harness.ts';
import { fileSource, removeTempDirs, tempDir } from './file/test-files.ts';

afterEach(removeTempDirs);

const framing = { type: 'multiline', start: '^\\d{4}-', timeout: '150ms', max_lines: 100 } as const;
const trace = (n: number) =>
  `2024-05-01 10:00:0${n} ERROR failed ${n}\njava.lang.Exception: e${n}\n\tat A.b(A.java:${n})\n`;
const joined = (n: number) => trace(n).slice(0, -1);

describe('file source with multiline framing', () => {
  it('flushes the last record after the timeout, and keeps following the file', async () => {
    const dir = tempDir();
    const log = join(dir, 'app.log');
    writeFileSync(log, trace(1) + trace(2));
    const h = new SourceHarness(fileSource(dir, { framing }));
    await h.waitForRecords(1);
    expect(h.texts).toEqual([joined(1)]);
    // The second trace is complete only once the timeout says nothing more is coming.
    await h.waitForRecords(2, 2000);
    expect(h.texts).toEqual([joined(1), joined(2)]);
    appendFileSync(log, trace(3));
    await h.waitForRecords(3, 2000);
    await h.stop();
    expect(h.records.at(-1)).toMatchObject({ text: joined(3), endOffset: 3 * trace(1).length });
  });

  it('when stopped while holding a record, commits a position before it and emits it after restart', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'app.log'), trace(1) + trace(2));
    const first = new SourceHarness(fileSource(dir, { framing: { ...framing, timeout: '1h' } }));
    await first.waitForRecords(1);
    await sleep(50);
    // The held record is lag, and all of it is held: read, waiting for its end, not a backlog.
    expect(first.source.stats()).toMatchObject({ bytesBehind: trace(2).length, bytesHeld: trace(2).length });
    await first.stop();
    expect(first.texts).toEqual([joined(1)]);
    expect(first.positions[0]!.offset).toBe(trace(1).length);
    const second = new SourceHarness(fileSource(dir, { framing, positions: first.positions }));
    await second.waitForRecords(1, 2000);
    await sleep(200);
    await second.stop();
    expect(second.records.map((r) => [r.text, r.offset])).toEqual([[joined(2), trace(1).length]]);
  });
});
