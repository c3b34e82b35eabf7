// ingest.text and ingest.json: lines/s from a generated file through a real pipeline (file
// source, parser, map, batched commits) into a committed DuckDB file, beside DuckDB's own
// readers doing the same parse-and-store (read_csv + regexp_extract, read_json) on the same file.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadConfig } from '../src/config/load.ts';
import { startIngest } from '../src/pipeline/ingest.ts';
import { openWarehouse } from '../src/warehouse/open.ts';
import { TEXT_PATTERN, writeJsonCorpus, writeTextCorpus } from './corpus.ts';
import type { BenchContext, Measurement, Scenario } from './scenario.ts';

const TEXT_PIPELINE = `
pipelines:
  bench:
    subsystem: bench
    source: { type: file, include: ["corpus.log"] }
    parsers:
      - type: regex
        pattern: '${TEXT_PATTERN}'
        types: { status: int, took: int }
    map:
      ts: { from: ts, format: "%Y-%m-%d %H:%M:%S.%f", timezone: UTC }
      component: "{host}"
      severity: "{level}"
      type: "http.{method}"
      keys: { request_id: "{req}" }
`;

const JSON_PIPELINE = `
pipelines:
  bench:
    subsystem: bench
    source: { type: file, include: ["corpus.log"] }
    parsers: [{ type: json }]
    map:
      ts: { from: ts, format: iso8601 }
      component: "{node}"
      severity: "{level}"
      type: "gateway.{event}"
      message: "{msg}"
      keys: { alarm_ref: "{alarm_ref}" }
`;

async function mortarRate(ctx: BenchContext, pipelineYaml: string, lines: number): Promise<number> {
  const dir = join(ctx.dir, 'mortar');
  writeFileSync(
    join(ctx.dir, 'mortar.yaml'),
    `data_dir: mortar\ningest: { batch_rows: 50000, batch_interval: 250ms }\n${pipelineYaml}`,
  );
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(ctx.dir, 'corpus.log'), join(dir, 'corpus.log'));
  const config = loadConfig(join(ctx.dir, 'mortar.yaml'));
  const started = performance.now();
  const warehouse = await openWarehouse({ type: 'duckdb', path: join(dir, 'bench.duckdb') });
  const ingest = await startIngest(config, warehouse);
  let stored = 0;
  ingest.events.on('commit', (b) => {
    stored += b.events.length + b.deadLetters.length;
  });
  while (stored < lines) {
    await new Promise((r) => setTimeout(r, 50));
    ctx.progress(`mortar: ${stored.toLocaleString('en')} / ${lines.toLocaleString('en')} lines committed`);
  }
  await ingest.stop();
  await warehouse.close();
  const seconds = (performance.now() - started) / 1000;
  const counters = ingest.status().pipelines.bench!;
  if (counters.deadLetters > 0)
    throw new Error(`bench corpus produced ${counters.deadLetters} dead letters; the scenario is broken`);
  return lines / seconds;
}

async function duckdbRate(
  ctx: BenchContext,
  lines: number,
  select: (file: string) => string,
): Promise<number> {
  ctx.progress('duckdb native: reading and storing the same file');
  const started = performance.now();
  const db = await DuckDBInstance.create(join(ctx.dir, 'reference.duckdb'));
  const con = await db.connect();
  await con.run(`CREATE TABLE ref AS ${select(join(ctx.dir, 'corpus.log').replaceAll("'", "''"))}`);
  const n = Number((await con.runAndReadAll('SELECT count(*) FROM ref')).getRows()[0]![0]);
  await con.run('CHECKPOINT');
  con.closeSync();
  db.closeSync();
  const seconds = (performance.now() - started) / 1000;
  if (n !== lines) throw new Error(`reference stored ${n} rows, expected ${lines}`);
  return lines / seconds;
}

function ingestScenario(name: string, kind: 'text' | 'json'): Scenario {
  return {
    name,
    description: `${kind} lines/s through a ${kind === 'text' ? 'regex' : 'json'} pipeline into a committed DuckDB file`,
    better: 'higher',
    async run(ctx): Promise<Measurement> {
      const lines = Math.round(500_000 * ctx.scale);
      ctx.progress(`writing ${lines.toLocaleString('en')} ${kind} lines`);
      const path = join(ctx.dir, 'corpus.log');
      const bytes = kind === 'text' ? await writeTextCorpus(path, lines) : await writeJsonCorpus(path, lines);
      const reference =
        kind === 'text'
          ? await duckdbRate(ctx, lines, (f) => {
              const names = [...TEXT_PATTERN.matchAll(/\(\?<([a-z]+)>/g)].map((m) => `'${m[1]}'`).join(', ');
              const re = TEXT_PATTERN.replace(/\?<[a-z]+>/g, '').replaceAll("'", "''");
              return `SELECT s.*, strptime(s.ts, '%Y-%m-%d %H:%M:%S.%g') AS t FROM (
                SELECT regexp_extract(line, '${re}', [${names}]) AS s
                FROM read_csv('${f}', columns = {'line': 'VARCHAR'}, header = false, delim = '\t', quote = '', escape = '', auto_detect = false))`;
            })
          : await duckdbRate(
              ctx,
              lines,
              (f) => `SELECT * FROM read_json('${f}', format = 'newline_delimited')`,
            );
      const value = await mortarRate(ctx, kind === 'text' ? TEXT_PIPELINE : JSON_PIPELINE, lines);
      return {
        value,
        unit: 'lines/s',
        reference: {
          name: kind === 'text' ? 'duckdb read_csv+regexp_extract' : 'duckdb read_json',
          value: reference,
        },
        notes: `${lines.toLocaleString('en')} lines, ${(bytes / 1e6).toFixed(0)} MB`,
      };
    },
  };
}

export const ingestText = ingestScenario('ingest.text', 'text');
export const ingestJson = ingestScenario('ingest.json', 'json');
