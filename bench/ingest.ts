// ingest.text, ingest.json, ingest.syslog and ingest.grok: lines/s from a generated file through a
// real pipeline (file source, parse workers, map, batched commits) into a committed DuckDB file,
// beside DuckDB's own readers doing the same parse-and-store (read_csv + regexp_extract,
// read_json) on the same file, and the peak RSS of the whole process during the Mortar run.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadConfig } from '../src/config/load.ts';
import { startIngest } from '../src/pipeline/ingest.ts';
import { CAPTURE } from '../src/warehouse/duckdb/database.ts';
import { openWarehouse } from '../src/warehouse/open.ts';
import {
  TEXT_PATTERN,
  writeAccessCorpus,
  writeJsonCorpus,
  writeSyslogCorpus,
  writeTextCorpus,
} from './corpus.ts';
import { peakRss, resetPeakRss, sampleRss } from './peakRss.ts';
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

const SYSLOG_PIPELINE = `
pipelines:
  bench:
    subsystem: bench
    source: { type: file, include: ["corpus.log"] }
    parsers: [{ type: syslog, format: rfc5424, structured_data: flat }]
    map:
      ts: { from: timestamp, format: iso8601 }
      component: "{hostname}"
      type: "{app_name}.{msgid}"
      message: "{message}"
      keys: { alarm_id: "{id}" }
`;

const GROK_PIPELINE = `
pipelines:
  bench:
    subsystem: bench
    source: { type: file, include: ["corpus.log"] }
    parsers: [{ type: grok, patterns: ["%{COMBINEDAPACHELOG}"], ecs_compatibility: disabled }]
    map:
      ts: { from: timestamp, format: "%d/%b/%Y:%H:%M:%S %z" }
      component: "{clientip}"
      type: "http.{verb}"
`;

/** MORTAR_BENCH_WORKERS=N overrides ingest.workers (0: parse on the main thread), for comparisons. */
const WORKERS = process.env.MORTAR_BENCH_WORKERS
  ? `, workers: ${Number(process.env.MORTAR_BENCH_WORKERS)}`
  : '';

async function mortarRate(
  ctx: BenchContext,
  pipelineYaml: string,
  lines: number,
): Promise<{ rate: number; peakRss: number; rowsPerCommit: number; file: string }> {
  const dir = join(ctx.dir, 'mortar');
  // The default batch size (batch_rows 20000): the peak RSS reported is that of a default setup.
  writeFileSync(
    join(ctx.dir, 'mortar.yaml'),
    `data_dir: mortar\ningest: { batch_interval: 250ms${WORKERS} }\n${pipelineYaml}`,
  );
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(ctx.dir, 'corpus.log'), join(dir, 'corpus.log'));
  const config = loadConfig(join(ctx.dir, 'mortar.yaml'));
  resetPeakRss();
  const started = performance.now();
  // As `mortar ingest` opens it: a capture-only process's pool and checkpoints.
  const warehouse = await openWarehouse({
    type: 'duckdb',
    path: join(dir, 'bench.duckdb'),
    tuning: CAPTURE,
  });
  const ingest = await startIngest(config, warehouse);
  let stored = 0;
  let commits = 0;
  ingest.events.on('commit', (b) => {
    stored += b.events.length + b.deadLetters.length;
    if (b.events.length + b.deadLetters.length > 0) commits++;
  });
  while (stored < lines) {
    await new Promise((r) => setTimeout(r, 50));
    sampleRss();
    ctx.progress(`mortar: ${stored.toLocaleString('en')} / ${lines.toLocaleString('en')} lines committed`);
  }
  await ingest.stop();
  await warehouse.close();
  const seconds = (performance.now() - started) / 1000;
  const counters = ingest.status().pipelines.bench!;
  if (counters.deadLetters > 0)
    throw new Error(`bench corpus produced ${counters.deadLetters} dead letters; the scenario is broken`);
  return {
    rate: lines / seconds,
    peakRss: peakRss(),
    rowsPerCommit: Math.max(1, Math.round(lines / Math.max(1, commits))),
    file: join(dir, 'bench.duckdb'),
  };
}

/**
 * The engine's own ceiling for Mortar's rows: DuckDB storing exactly the events Mortar stored
 * (read back from a staged copy, copied untimed) in transactions of Mortar's average commit size,
 * with the capture tuning, checkpoint included. No parsing, no encoding, no positions: about what
 * the storage alone costs for this row shape and commit size.
 */
async function storageCeiling(ctx: BenchContext, mortarFile: string, rowsPerCommit: number): Promise<number> {
  ctx.progress(`duckdb alone: storing the same rows in commits of ${rowsPerCommit.toLocaleString('en')}`);
  const path = join(ctx.dir, 'ceiling.duckdb');
  const db = await DuckDBInstance.create(path, {
    memory_limit: CAPTURE.memoryLimit,
    checkpoint_threshold: CAPTURE.checkpointThreshold,
  });
  const con = await db.connect();
  try {
    await con.run(`ATTACH '${mortarFile.replaceAll("'", "''")}' AS m (READ_ONLY)`);
    await con.run(`ATTACH '${join(ctx.dir, 'staged.duckdb').replaceAll("'", "''")}' AS staged`);
    await con.run('CREATE TABLE staged.rows AS SELECT row_number() OVER () AS n, * FROM m.events');
    await con.run('CREATE TABLE events AS SELECT * FROM m.events LIMIT 0');
    await con.run('DETACH m');
    const total = Number((await con.runAndReadAll('SELECT count(*) FROM staged.rows')).getRows()[0]![0]);
    const started = performance.now();
    for (let lo = 0; lo < total; lo += rowsPerCommit) {
      await con.run('BEGIN');
      await con.run(
        `INSERT INTO events SELECT * EXCLUDE (n) FROM staged.rows WHERE n > ${lo} AND n <= ${lo + rowsPerCommit}`,
      );
      await con.run('COMMIT');
    }
    await con.run('CHECKPOINT');
    return total / ((performance.now() - started) / 1000);
  } finally {
    con.closeSync();
    db.closeSync();
  }
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

/** The same named groups as a DuckDB regexp_extract of the line read by read_csv, then a time parse. */
function extractSelect(pattern: string, names: string[], ts: string, format: string): (f: string) => string {
  const re = pattern.replaceAll("'", "''");
  const list = names.map((n) => `'${n}'`).join(', ');
  return (f) => `SELECT s.*, strptime(s.${ts}, '${format}') AS t FROM (
    SELECT regexp_extract(line, '${re}', [${list}]) AS s
    FROM read_csv('${f}', columns = {'line': 'VARCHAR'}, header = false, delim = '\t', quote = '', escape = '', auto_detect = false))`;
}

interface IngestKind {
  description: string;
  pipeline: string;
  write: (path: string, lines: number) => Promise<number>;
  reference: { name: string; select: (file: string) => string };
}

const KINDS: Record<string, IngestKind> = {
  text: {
    description: 'text lines/s through a regex pipeline into a committed DuckDB file',
    pipeline: TEXT_PIPELINE,
    write: writeTextCorpus,
    reference: {
      name: 'duckdb read_csv+regexp_extract',
      select: extractSelect(
        TEXT_PATTERN.replace(/\?<[a-z]+>/g, ''),
        [...TEXT_PATTERN.matchAll(/\(\?<([a-z]+)>/g)].map((m) => m[1]!),
        'ts',
        '%Y-%m-%d %H:%M:%S.%g',
      ),
    },
  },
  json: {
    description: 'json lines/s through a json pipeline into a committed DuckDB file',
    pipeline: JSON_PIPELINE,
    write: writeJsonCorpus,
    reference: {
      name: 'duckdb read_json',
      select: (f) => `SELECT * FROM read_json('${f}', format = 'newline_delimited')`,
    },
  },
  syslog: {
    description: 'RFC 5424 syslog lines/s through a syslog pipeline into a committed DuckDB file',
    pipeline: SYSLOG_PIPELINE,
    write: writeSyslogCorpus,
    reference: {
      name: 'duckdb read_csv+regexp_extract',
      select: extractSelect(
        '^<([0-9]+)>1 (\\S+) (\\S+) (\\S+) (\\S+) (\\S+) \\[alarm@32473 id="([^"]*)" zone="([^"]*)"\\] (.*)$',
        ['pri', 'ts', 'host', 'app', 'procid', 'msgid', 'id', 'zone', 'msg'],
        'ts',
        '%Y-%m-%dT%H:%M:%S.%gZ',
      ),
    },
  },
  grok: {
    description: 'combined access log lines/s through a grok pipeline into a committed DuckDB file',
    pipeline: GROK_PIPELINE,
    write: writeAccessCorpus,
    reference: {
      name: 'duckdb read_csv+regexp_extract',
      select: extractSelect(
        '^(\\S+) (\\S+) (\\S+) \\[([^\\]]+)\\] "(\\S+) (\\S+) HTTP/([0-9.]+)" ([0-9]+) ([0-9]+|-) "([^"]*)" "([^"]*)"$',
        [
          'ip',
          'ident',
          'auth',
          'ts',
          'verb',
          'request',
          'httpversion',
          'status',
          'bytes',
          'referrer',
          'agent',
        ],
        'ts',
        '%d/%b/%Y:%H:%M:%S %z',
      ),
    },
  },
};

function ingestScenario(name: string, kind: IngestKind): Scenario {
  return {
    name,
    description: kind.description,
    better: 'higher',
    async run(ctx): Promise<Measurement> {
      const lines = Math.round(500_000 * ctx.scale);
      ctx.progress(`writing ${lines.toLocaleString('en')} lines`);
      const bytes = await kind.write(join(ctx.dir, 'corpus.log'), lines);
      // Mortar first: memory DuckDB keeps after the reference run would count in Mortar's peak.
      const mortar = await mortarRate(ctx, kind.pipeline, lines);
      const reference = await duckdbRate(ctx, lines, kind.reference.select);
      const ceiling = await storageCeiling(ctx, mortar.file, mortar.rowsPerCommit);
      return {
        value: mortar.rate,
        unit: 'lines/s',
        reference: { name: kind.reference.name, value: reference },
        notes:
          `${lines.toLocaleString('en')} lines, ${(bytes / 1e6).toFixed(0)} MB, peak RSS ${(mortar.peakRss / 2 ** 20).toFixed(0)} MB; ` +
          `DuckDB alone storing the same rows in commits of ${mortar.rowsPerCommit.toLocaleString('en')}: ` +
          `${Math.round(ceiling).toLocaleString('en')} rows/s (Mortar at ${((100 * mortar.rate) / ceiling).toFixed(0)}%)`,
      };
    },
  };
}

export const ingestText = ingestScenario('ingest.text', KINDS.text!);
export const ingestJson = ingestScenario('ingest.json', KINDS.json!);
export const ingestSyslog = ingestScenario('ingest.syslog', KINDS.syslog!);
export const ingestGrok = ingestScenario('ingest.grok', KINDS.grok!);
