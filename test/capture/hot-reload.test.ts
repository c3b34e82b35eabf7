// Hot reload: a running ingest follows a file that is appended to continuously while the pipeline
// file (included from the main file) is edited. A valid edit of the map switches between two
// batches: every line is stored exactly once, the lines up to the switch carry the old mapping and
// all after it the new one. An invalid edit is rejected with all its errors (file:line:col) and the
// running pipeline keeps working with the last good version.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { watchConfig } from '../../src/pipeline/config-watch.ts';
import { startIngest } from '../../src/pipeline/ingest.ts';
import { openWarehouse } from '../../src/warehouse/open.ts';
import { removeTempDataDirs, tempDataDir } from './ingest-harness.ts';

afterAll(removeTempDataDirs);

const pipelineYaml = (type: string, extra = '') => `pipelines:
  app:
    subsystem: app
    source: { type: file, include: ["logs/app.log"], poll_interval: 20ms }
    parsers:
      - type: regex
        pattern: '^line (?<n>\\d+) (?<msg>.*)$'
${extra}    map:
      type: "${type}"
      message: "{msg}"
      keys: { n: "{n}" }
`;

async function until<T>(what: string, f: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('hot reload', () => {
  it('switches a running pipeline without losing or duplicating a line; an invalid edit changes nothing', async () => {
    const dir = tempDataDir('mortar-reload-');
    mkdirSync(join(dir, 'pipelines'));
    const main = join(dir, 'mortar.yaml');
    writeFileSync(
      main,
      'data_dir: .\ningest: { batch_rows: 500, batch_interval: 20ms, workers: 2 }\ninclude: ["pipelines/*.yaml"]\n',
    );
    const pipelineFile = join(dir, 'pipelines', 'app.yaml');
    writeFileSync(pipelineFile, pipelineYaml('app.v1'));
    const log = join(dir, 'logs', 'app.log');
    writeFileSync(log, '');
    const config = loadConfig(main);
    const warehouse = await openWarehouse({ type: 'duckdb', path: join(dir, 'mortar.duckdb') });
    const ingest = await startIngest(config, warehouse);
    const logged: string[] = [];
    const watcher = watchConfig({
      config,
      load: () => loadConfig(main),
      ingest,
      intervalMs: 50,
      log: (s) => logged.push(s),
    });

    let next = 0;
    let writing = true;
    const writer = (async () => {
      while (writing) {
        let s = '';
        for (let i = 0; i < 20; i++) s += `line ${next++} payload\n`;
        appendFileSync(log, s);
        await sleep(5);
      }
    })();
    const committed = () => ingest.status().commits.events;
    await until('first commits', () => committed() > 200);

    // A valid edit of the map.
    writeFileSync(pipelineFile, pipelineYaml('app.v2'));
    const switched = await until('the reload', () => ingest.lastReload());
    expect(switched.ok).toBe(true);
    expect(switched.changed).toEqual(['app']);
    const writtenAtSwitch = next;
    const committedAtSwitch = committed();
    await until('commits after the switch', () => committed() > committedAtSwitch + 500);

    // An invalid edit: two errors in one file; the pipeline stays at v2.
    writeFileSync(
      pipelineFile,
      pipelineYaml(
        'app.v3',
        "        types: { nope: int }\n      - type: regex\n        pattern: '(unclosed'\n",
      ),
    );
    const rejected = await until('the rejected reload', () => {
      const r = ingest.lastReload();
      return r && !r.ok ? r : undefined;
    });
    const committedAtReject = committed();
    await until('commits after the rejected edit', () => committed() > committedAtReject + 500);
    writing = false;
    await writer;
    await until('everything committed', () => committed() >= next && ingest.status().pendingRows === 0);
    watcher.stop();
    await ingest.stop();
    await warehouse.close();

    expect(rejected.errors.length).toBe(2);
    for (const e of rejected.errors)
      expect(e.where).toMatch(/app\.yaml:\d+:\d+ pipelines\.app\.parsers\[\d\]/);
    const report = logged.find((l) => l.startsWith('configuration reload rejected'));
    expect(report).toBeDefined();
    for (const e of rejected.errors) expect(report).toContain(`${e.where}: ${e.message}`);
    expect(logged.some((l) => l.includes('switched app'))).toBe(true);

    const db = await DuckDBInstance.create(join(dir, 'mortar.duckdb'));
    const c = await db.connect();
    const rows = (await c.runAndReadAll("select keys['n'], type from events")).getRows();
    c.closeSync();
    db.closeSync();
    const typeOf = new Map<number, string>();
    const dup: number[] = [];
    for (const [n, type] of rows) {
      const k = Number(n);
      if (typeOf.has(k)) dup.push(k);
      typeOf.set(k, String(type));
    }
    expect(dup).toEqual([]);
    const missing = [...Array(next).keys()].filter((k) => !typeOf.has(k));
    expect(missing).toEqual([]);
    expect(typeOf.size).toBe(next);
    // One switch point: v1 before, v2 from there on, never v3; lines written after the reload was
    // reported were read after it, so they carry the new mapping.
    const firstV2 = [...Array(next).keys()].find((k) => typeOf.get(k) === 'app.v2')!;
    for (let k = 0; k < next; k++) expect(typeOf.get(k)).toBe(k < firstV2 ? 'app.v1' : 'app.v2');
    expect(firstV2).toBeGreaterThan(0);
    expect(firstV2).toBeLessThanOrEqual(writtenAtSwitch);
    const status = ingest.status().pipelines.app!;
    expect(status.read).toBe(next);
    expect(status.events).toBe(next);
  }, 90_000);

  it('restarts a pipeline whose source changed at its committed position, every line once', async () => {
    const dir = tempDataDir('mortar-reload-source-');
    const main = join(dir, 'mortar.yaml');
    const yaml = (include: string) =>
      `data_dir: .\ningest: { batch_rows: 500, batch_interval: 20ms, workers: 2 }\n${pipelineYaml('app.v1').replace('["logs/app.log"]', include)}`;
    writeFileSync(main, yaml('["logs/app.log"]'));
    const log = join(dir, 'logs', 'app.log');
    writeFileSync(log, '');
    // Lines of a second file, picked up only once the edited include matches it.
    writeFileSync(join(dir, 'logs', 'other.log'), 'line 1000000 other\nline 1000001 other\n');
    const config = loadConfig(main);
    const warehouse = await openWarehouse({ type: 'duckdb', path: join(dir, 'mortar.duckdb') });
    const ingest = await startIngest(config, warehouse);
    const watcher = watchConfig({
      config,
      load: () => loadConfig(main),
      ingest,
      intervalMs: 50,
      log: () => {},
    });
    let next = 0;
    let writing = true;
    const writer = (async () => {
      while (writing) {
        let s = '';
        for (let i = 0; i < 20; i++) s += `line ${next++} payload\n`;
        appendFileSync(log, s);
        await sleep(5);
      }
    })();
    const committed = () => ingest.status().commits.events;
    await until('first commits', () => committed() > 200);
    writeFileSync(main, yaml('["logs/app.log", "logs/other.log"]'));
    const r = await until('the reload', () => ingest.lastReload());
    const after = committed();
    await until('commits after the restart', () => committed() > after + 300);
    writing = false;
    await writer;
    await until('everything committed', () => committed() >= next + 2 && ingest.status().pendingRows === 0);
    watcher.stop();
    await ingest.stop();
    await warehouse.close();
    expect(r.ok).toBe(true);
    expect(r.restarted).toEqual(['app']);

    const db = await DuckDBInstance.create(join(dir, 'mortar.duckdb'));
    const c = await db.connect();
    const ns = (await c.runAndReadAll("select keys['n'] from events")).getRows().map((x) => Number(x[0]));
    c.closeSync();
    db.closeSync();
    const seen = new Map<number, number>();
    for (const n of ns) seen.set(n, (seen.get(n) ?? 0) + 1);
    const wrong = [...Array(next).keys(), 1000000, 1000001].filter((k) => seen.get(k) !== 1);
    expect(wrong).toEqual([]);
    expect(ns.length).toBe(next + 2);
  }, 90_000);
});
