// mortar replay-dead-letters end to end on a real DuckDB file: a log is ingested with a broken
// pipeline (dead letters), the pipeline is fixed, the dead letters are replayed. The replayed
// warehouse must hold exactly the events a fresh ingest with the fixed pipeline stores (same ids,
// same content), the rest stay dead letters with their new reasons, and a second replay changes
// nothing (no duplicates).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type ReplayFilter, replayDeadLetters, run } from '../../src/cli/commands/replay-dead-letters.ts';
import { loadConfig } from '../../src/config/load.ts';
import { buildPipelines } from '../../src/pipeline/build.ts';
import { waitUntilIdle } from '../../src/pipeline/idle.ts';
import { startIngest } from '../../src/pipeline/ingest.ts';
import { openWarehouse } from '../../src/warehouse/open.ts';
import { sql } from '../../src/warehouse/sql.ts';
import { makeDeadLetter, makeEvent } from '../../src/warehouse/testRows.ts';

const BIN = fileURLToPath(new URL('../../bin/mortar.js', import.meta.url));
const mortar = (args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`mortar ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  return r;
};

const LOG = [
  '2026-11-26T10:00:00Z INFO started',
  '2026-11-26T10:00:01Z WARN disk 91% full',
  '2026-11-26T10:00:02Z INFO request id=7',
  '2026-11-26T10:00:03Z DEBUG cache miss',
  'notatime WARN clock broken',
  '2026-11-26T10:00:04Z WARN disk 95% full',
  'complete garbage',
  '2026-11-26T10:00:05Z INFO stopped',
];

const PARSE = (levels: string) =>
  `[{ type: regex, pattern: "^(?<t>\\\\S+) (?<level>${levels}) (?<msg>.*)$" }]`;

function config(dir: string, fixed: boolean): string {
  const file = join(dir, fixed ? 'fixed.yaml' : 'broken.yaml');
  writeFileSync(
    file,
    `data_dir: .
warehouse: { type: duckdb, path: mortar.duckdb }
ingest: { batch_interval: 20ms }
pipelines:
  app:
    subsystem: app
    source: { type: file, include: ["logs/*.log"], poll_interval: 20ms }
    parsers: ${PARSE(fixed ? 'INFO|WARN|DEBUG' : 'INFO')}
${fixed ? '    transforms: [{ type: filter, drop: { field: level, equals: DEBUG } }]\n' : ''}    map:
      ts: { from: t, format: iso8601 }
      severity: "{level}"
      message: "{msg}"
`,
  );
  return file;
}

/** What `mortar ingest --once` does, in this process (the CLI itself is tested elsewhere). */
async function ingestOnce(file: string): Promise<void> {
  const config = loadConfig(file);
  const w = await openWarehouse({ type: 'duckdb', path: join(config.dataDir, 'mortar.duckdb') });
  const ingest = await startIngest(config, w);
  // Idle alone is not enough: before the source has found the file nothing is behind either.
  const until = Date.now() + 60_000;
  while ((ingest.status().pipelines.app?.read ?? 0) < LOG.length && Date.now() < until) await sleep(50);
  await waitUntilIdle(ingest, { pollMs: 50, quietPolls: 4, timeoutMs: 60_000 });
  await ingest.stop();
  await w.close();
}

/** The replay in this process, on the same code path as the command. */
async function replayIn(file: string, dryRun = false, filter: ReplayFilter = {}) {
  const config = loadConfig(file);
  const w = await openWarehouse({ type: 'duckdb', path: join(config.dataDir, 'mortar.duckdb') });
  try {
    return await replayDeadLetters(w, buildPipelines(config), filter, { dryRun });
  } finally {
    await w.close();
  }
}

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mortar-replay-'));
  mkdirSync(join(dir, 'logs'));
  writeFileSync(join(dir, 'logs', 'app.log'), `${LOG.join('\n')}\n`);
  dirs.push(dir);
  return dir;
}
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function snapshot(dir: string) {
  const w = await openWarehouse({ type: 'duckdb', path: join(dir, 'mortar.duckdb') });
  try {
    const events = await w.query(
      sql`select id, epoch_us(ts) as ts, severity, message, "offset", file from events order by "offset"`,
    );
    const dead = await w.query(sql`select id, stage, reason, raw from dead_letters order by "offset"`);
    const [dup] = await w.query(sql`select count(*) - count(distinct id) as n from events`);
    return { events, dead, duplicates: Number(dup!.n) };
  } finally {
    await w.close();
  }
}

describe('mortar replay-dead-letters', () => {
  it('turns fixed dead letters into the events a fresh ingest would store, once', async () => {
    const dir = dataDir();
    await ingestOnce(config(dir, false));
    const before = await snapshot(dir);
    expect(before.events).toHaveLength(3);
    expect(before.dead).toHaveLength(5);

    const fixed = config(dir, true);
    expect(await replayIn(fixed, true)).toEqual({
      selected: 5,
      events: 2,
      filtered: 1,
      stillFailing: 2,
      changed: 1,
      alreadyStored: 0,
      skippedFraming: 0,
      skippedUnknownPipeline: 0,
    });
    // Filters select by pipeline, reason text (any case) and receive time.
    const selected = async (f: ReplayFilter) => (await replayIn(fixed, true, f)).selected;
    expect(await selected({ reason: 'DOES NOT MATCH' })).toBe(5);
    expect(await selected({ reason: 'no such reason' })).toBe(0);
    expect(await selected({ pipeline: 'app', fromUs: Date.now() * 1000 + 3.6e9 })).toBe(0);
    expect(await selected({ toUs: Date.now() * 1000 + 3.6e9 })).toBe(5);
    expect(await snapshot(dir)).toEqual(before);

    const first = mortar(['replay-dead-letters', '-c', fixed]);
    expect(first.stdout).toContain(
      '5 dead letters: 2 now events, 1 filtered, 2 still failing (1 with a new reason)',
    );
    expect(first.stderr).toMatch(/\[#+\] 100%\s+5\/5 dead letters/);
    const after = await snapshot(dir);

    // The reference: the same log ingested from scratch with the fixed pipeline.
    const fresh = dataDir();
    await ingestOnce(config(fresh, true));
    const reference = await snapshot(fresh);
    expect(reference.events).toHaveLength(5);
    expect(after.events).toEqual(reference.events);
    expect(after.dead).toEqual(reference.dead);
    expect(after.dead.map((d) => d.raw)).toEqual(['notatime WARN clock broken', 'complete garbage']);
    expect(after.dead[0]!.reason).toMatch(/time "notatime" does not match/);
    expect(after.duplicates).toBe(0);

    const second = await replayIn(fixed);
    expect(second).toMatchObject({ selected: 2, events: 0, stillFailing: 2, changed: 0 });
    expect(await snapshot(dir)).toEqual(after);
  });

  it('resolves dead letters in the transaction of their events: a failed commit keeps them', async () => {
    const dir = dataDir();
    const w = await openWarehouse({ type: 'duckdb', path: join(dir, 'mortar.duckdb') });
    try {
      await w.migrate();
      const [a, b] = [makeDeadLetter(1), makeDeadLetter(2)];
      await w.commit({ events: [], deadLetters: [a, b], positions: [] });
      const broken = makeEvent(1, { id: a.id, ts: Number.NaN });
      await expect(
        w.commit({ events: [broken], deadLetters: [], positions: [], resolvesDeadLetters: [a.id] }),
      ).rejects.toThrow();
      expect((await w.counts()).deadLetters).toBe(2);
      await w.commit({
        events: [makeEvent(1, { id: a.id })],
        deadLetters: [],
        positions: [],
        resolvesDeadLetters: [a.id],
      });
      expect(await w.counts()).toMatchObject({ events: 1, deadLetters: 1 });
      expect((await w.deadLetters({ limit: 10, offset: 0 })).rows.map((d) => d.id)).toEqual([b.id]);
    } finally {
      await w.close();
    }
  });

  it('says what to do about an unknown pipeline or a bad time', async () => {
    const cfg = config(dataDir(), true);
    await expect(run(['-c', cfg, '--pipeline', 'nope'])).rejects.toThrow(/no pipeline "nope"/);
    await expect(run(['-c', cfg, '--from', 'yesterday'])).rejects.toThrow(/--from "yesterday" is not a time/);
  });
});
