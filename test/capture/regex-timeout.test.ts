// Regex safety: a pipeline whose pattern backtracks catastrophically (^(a+)+$ on a run of a's
// followed by "!") cannot block the process. The parse worker stuck on that line is restarted by
// the watchdog, the line becomes a dead letter (regex_timeout, naming pipeline and parser), the
// other lines of the same file are parsed, lines appended later keep flowing, and another
// pipeline is not held up. The main thread stays responsive throughout.
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { startIngest } from '../../src/pipeline/ingest.ts';
import { openWarehouse } from '../../src/warehouse/open.ts';
import { removeTempDataDirs, tempDataDir } from './ingest-harness.ts';

afterAll(removeTempDataDirs);

const EVIL_INPUT = `${'a'.repeat(33)}!`;

describe('regex safety', () => {
  it('gives up on a catastrophically backtracking line and keeps every pipeline flowing', async () => {
    const dir = tempDataDir('mortar-redos-');
    writeFileSync(
      join(dir, 'mortar.yaml'),
      JSON.stringify({
        data_dir: '.',
        ingest: { batch_rows: 200, batch_interval: '20ms', workers: 2, record_budget: '300ms' },
        pipelines: {
          evil: {
            subsystem: 'evil',
            source: { type: 'file', include: ['logs/evil.log'], poll_interval: '20ms' },
            parsers: [{ type: 'regex', pattern: '^(?<word>(a+)+)$' }],
            map: { message: '{word}' },
          },
          good: {
            subsystem: 'good',
            source: { type: 'file', include: ['logs/good.log'], poll_interval: '20ms' },
            parsers: [{ type: 'regex', pattern: '^good (?<n>\\d+)$' }],
            map: { keys: { n: '{n}' } },
          },
        },
      }),
    );
    const evilLines = [
      'aaa',
      'aaaa',
      EVIL_INPUT,
      'a',
      ...Array.from({ length: 500 }, (_, i) => 'a'.repeat(1 + (i % 20))),
    ];
    writeFileSync(join(dir, 'logs', 'evil.log'), `${evilLines.join('\n')}\n`);
    writeFileSync(join(dir, 'logs', 'good.log'), '');
    const warehouse = await openWarehouse({ type: 'duckdb', path: join(dir, 'mortar.duckdb') });
    const ingest = await startIngest(loadConfig(join(dir, 'mortar.yaml')), warehouse);

    // The main thread is never blocked: a timer keeps firing while the bad line is being given up on.
    let maxTimerGapMs = 0;
    let last = Date.now();
    const ticker = setInterval(() => {
      const now = Date.now();
      maxTimerGapMs = Math.max(maxTimerGapMs, now - last);
      last = now;
    }, 10);
    let goods = 0;
    for (let round = 0; round < 20; round++) {
      let s = '';
      for (let i = 0; i < 50; i++) s += `good ${goods++}\n`;
      appendFileSync(join(dir, 'logs', 'good.log'), s);
      if (round === 10) appendFileSync(join(dir, 'logs', 'evil.log'), 'aa\nlater\naaaaa\n');
      await sleep(50);
    }
    const expectedEvil = evilLines.length + 3;
    const end = Date.now() + 60_000;
    for (;;) {
      const s = ingest.status();
      const e = s.pipelines.evil!;
      const g = s.pipelines.good!;
      if (e.read >= expectedEvil && g.read >= goods && s.pendingRows === 0) break;
      if (Date.now() > end) throw new Error(`timed out: ${JSON.stringify(s)}`);
      await sleep(50);
    }
    clearInterval(ticker);
    const status = ingest.status();
    await ingest.stop();
    await warehouse.close();

    expect(status.parse?.restarts).toBeGreaterThanOrEqual(1);
    const e = status.pipelines.evil!;
    expect(e.read).toBe(expectedEvil);
    expect(e.read).toBe(e.events + e.deadLetters + e.filtered);
    // The evil line and the one line that does not match at all.
    expect(e.deadLetters).toBe(2);
    expect(status.pipelines.good!.events).toBe(goods);
    expect(maxTimerGapMs).toBeLessThan(5_000);

    const db = await DuckDBInstance.create(join(dir, 'mortar.duckdb'));
    const c = await db.connect();
    const dead = (
      await c.runAndReadAll('select raw, stage, reason from dead_letters order by raw')
    ).getRows();
    const words = (await c.runAndReadAll("select count(*) from events where pipeline = 'evil'")).getRows();
    c.closeSync();
    db.closeSync();
    expect(Number(words[0]![0])).toBe(expectedEvil - 2);
    const timedOut = dead.find((r) => r[0] === EVIL_INPUT);
    expect(timedOut).toBeDefined();
    expect(timedOut![1]).toBe('parse[0]');
    expect(String(timedOut![2])).toMatch(/^regex_timeout: pipeline "evil" parse\[0\] \(regex parser\)/);
    expect(dead.find((r) => r[0] === 'later')?.[2]).toMatch(/does not match/);
  }, 90_000);
});
