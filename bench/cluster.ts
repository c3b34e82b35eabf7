// ingest.cluster: events/s from log files through two `mortar agent` processes and two `mortar serve`
// processes into a private two-shard ClickHouse cluster, everything on loopback and on this machine.
// Each agent tails its own half of a generated gateway-style JSON corpus and ships to "its" server
// (the other one is its failover); both servers write through the Distributed tables, so either
// may store rows on either shard. The clock starts when the corpus files appear in the agents'
// watched directory (processes already up: tsx start-up is not ingest) and stops when a count over
// the Distributed table sees every line.
//
// Reference, same run, same lines, same cluster: ClickHouse's own intake of the two halves — two
// concurrent HTTP `INSERT ... FORMAT JSONEachRow` (ClickHouse parses the JSON) into a Distributed
// table over the same two shards, synchronous like Mortar's inserts. The ratio is the share of the
// cluster's native parse-and-store rate that Mortar's whole path keeps: tail, parse, disk buffer
// with fsync, gzip JSON over HTTP, validation, replay guard, literal-encoded inserts, positions, and
// the extra columns an event carries (id, raw, keys, attrs). ClickHouse is far from the limit, so
// the ratio says how much of the cluster Mortar's path can use, i.e. where the next bottleneck is.
// The notes add the rate of the same lines through one in-process ingest into DuckDB on this
// machine: what splitting the work over agents and servers costs (or gains) on the same cores.
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, createReadStream, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/load.ts';
import { startIngest } from '../src/pipeline/ingest.ts';
import { openWarehouse } from '../src/warehouse/open.ts';
import { type ClickHouseServer, startClickHouseCluster } from '../test/support/clickhouse.ts';
import { writeJsonCorpus } from './corpus.ts';
import type { BenchContext, Measurement, Scenario } from './scenario.ts';

const BIN = fileURLToPath(new URL('../bin/mortar.js', import.meta.url));
const CLUSTER = 'bench';
const DB = 'bench';

async function chQuery(url: string, query: string): Promise<string> {
  const res = await fetch(`${url}/?query=${encodeURIComponent(query)}`, { method: 'POST' });
  const text = await res.text();
  if (!res.ok) throw new Error(`clickhouse: ${text.trim()}`);
  return text;
}

interface Child {
  name: string;
  process: ChildProcess;
  output(): string;
  /** Resolves when `pattern` shows up in the output; rejects when the process exits first. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
}

function startMortar(name: string, args: string[], children: Child[]): Child {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  // A bench that dies without its finally (process.exit, a crash) must not leave these behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.removeListener('exit', killOnExit));
  let out = '';
  child.stdout!.on('data', (b) => (out += b));
  child.stderr!.on('data', (b) => (out += b));
  const c: Child = {
    name,
    process: child,
    output: () => out,
    waitFor: (pattern, timeoutMs) =>
      new Promise((resolve, reject) => {
        const deadline = Date.now() + timeoutMs;
        const poll = () => {
          const m = pattern.exec(out);
          if (m) return resolve(m);
          if (child.exitCode !== null || child.signalCode !== null)
            return reject(new Error(`${name} exited (${child.exitCode ?? child.signalCode}):\n${out}`));
          if (Date.now() > deadline)
            return reject(new Error(`${name} did not start within ${timeoutMs} ms:\n${out}`));
          setTimeout(poll, 50);
        };
        poll();
      }),
  };
  children.push(c);
  return c;
}

async function killAll(children: Child[]): Promise<void> {
  await Promise.all(
    children.map(({ process: p }) => {
      if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
      const exited = new Promise<void>((r) => p.once('exit', () => r()));
      p.kill('SIGKILL');
      return exited;
    }),
  );
}

/** Writes the corpus once and splits it at a line boundary into one distinct half per agent. */
async function writeHalves(
  ctx: BenchContext,
  lines: number,
): Promise<{ halves: [string, string]; bytes: number }> {
  const whole = join(ctx.dir, 'corpus.log');
  const bytes = await writeJsonCorpus(whole, lines);
  const text = readFileSync(whole);
  let cut = 0;
  for (let n = 0; n < Math.floor(lines / 2); n++) cut = text.indexOf(10, cut) + 1;
  const halves: [string, string] = [join(ctx.dir, 'half-a.log'), join(ctx.dir, 'half-b.log')];
  writeFileSync(halves[0], text.subarray(0, cut));
  writeFileSync(halves[1], text.subarray(cut));
  return { halves, bytes };
}

function serverConfig(ctx: BenchContext, name: string, entry: ClickHouseServer, shards: string[]): string {
  const home = join(ctx.dir, name);
  mkdirSync(home, { recursive: true });
  const file = join(home, 'mortar.yaml');
  const warehouse = { type: 'clickhouse', url: entry.url, database: DB, cluster: CLUSTER, shards };
  writeFileSync(file, JSON.stringify({ data_dir: home, warehouse }));
  return file;
}

/** The gateway JSON lines as events; `include` relative to the data directory. */
function gatewayPipeline(include: string) {
  return {
    subsystem: 'gateway',
    source: { type: 'file', include: [include], poll_interval: '50ms' },
    parsers: [{ type: 'json' }],
    map: {
      ts: { from: 'ts', format: 'iso8601' },
      // 18 components: the (subsystem, component) sharding key puts about half the rows on each
      // shard (fewer, e.g. node and level only, happen to hash all to one shard).
      component: '{node}.{level}.{event}',
      severity: '{level}',
      type: 'gateway.{event}',
      message: '{msg}',
      keys: { alarm_ref: '{alarm_ref}' },
    },
  };
}

/** An agent tailing `<home>/input/*.log`; access is off on the loopback servers, so no token. */
function agentConfig(ctx: BenchContext, name: string, servers: string[]): { file: string; input: string } {
  const home = join(ctx.dir, name);
  const input = join(home, 'input');
  mkdirSync(input, { recursive: true });
  const file = join(home, 'agent.yaml');
  const config = {
    data_dir: home,
    ingest: { batch_interval: '250ms' },
    pipelines: { [name.replace('-', '_')]: gatewayPipeline('input/*.log') },
    agent: { id: name, servers, retry_max: '1s', status: { log_interval: '1h' } },
  };
  writeFileSync(file, JSON.stringify(config));
  return { file, input };
}

async function count(url: string, table: string): Promise<number> {
  return Number((await chQuery(url, `select count() from ${table}`)).trim());
}

async function mortarRate(ctx: BenchContext, shards: ClickHouseServer[], halves: string[], lines: number) {
  const children: Child[] = [];
  try {
    const urls = shards.map((s) => s.url);
    const servers: string[] = [];
    // One after the other: the first creates the schema on every shard, the second finds it.
    for (const [i, name] of ['server-a', 'server-b'].entries()) {
      ctx.progress(`starting ${name}`);
      const file = serverConfig(ctx, name, shards[i]!, urls);
      const s = startMortar(name, ['serve', '-c', file, '--port', '0', '--host', '127.0.0.1'], children);
      servers.push((await s.waitFor(/serving (http:\/\/\S+?)\/? /, 60_000))[1]!);
    }
    const agents = ['agent-a', 'agent-b'].map((name, i) => {
      const { file, input } = agentConfig(ctx, name, i === 0 ? servers : [...servers].reverse());
      return { child: startMortar(name, ['agent', '-c', file], children), input };
    });
    ctx.progress('starting the agents');
    for (const a of agents) await a.child.waitFor(/: shipping to /, 60_000);

    const started = performance.now();
    for (const [i, a] of agents.entries()) renameSync(halves[i]!, join(a.input, `${i}.log`));
    const deadline = Date.now() + 60_000 + lines; // a generous bound: 1 ms per line beyond a minute
    let stored = 0;
    let firstAt: number | undefined;
    while (stored < lines) {
      if (Date.now() > deadline)
        throw new Error(
          `only ${stored} of ${lines} events reached ClickHouse in time\n${children.map((c) => `--- ${c.name}\n${c.output().slice(-2000)}`).join('\n')}`,
        );
      const gone = children.find((c) => c.process.exitCode !== null || c.process.signalCode !== null);
      if (gone) throw new Error(`${gone.name} exited during the run:\n${gone.output()}`);
      await new Promise((r) => setTimeout(r, 100));
      stored = await count(urls[0]!, `${DB}.events`);
      if (stored > 0) firstAt ??= performance.now();
      ctx.progress(
        `mortar: ${stored.toLocaleString('en')} / ${lines.toLocaleString('en')} events in ClickHouse`,
      );
    }
    const seconds = (performance.now() - started) / 1000;
    const distinct = Number((await chQuery(urls[0]!, `select uniqExact(id) from ${DB}.events`)).trim());
    const dead = await count(urls[0]!, `${DB}.dead_letters`);
    if (distinct !== lines || dead !== 0)
      throw new Error(
        `stored ${stored} events (${distinct} distinct) and ${dead} dead letters for ${lines} lines`,
      );
    const perShard = await Promise.all(urls.map((u) => count(u, `${DB}.events_local`)));
    return {
      rate: lines / seconds,
      perShard,
      firstSeconds: ((firstAt ?? started) - started) / 1000,
      seconds,
    };
  } finally {
    await killAll(children);
  }
}

/**
 * For the notes: the same halves, same pipelines, in this one process into a DuckDB file (what one
 * `mortar ingest` does on this machine), from the start of the ingest until all is committed.
 */
async function singleProcessRate(ctx: BenchContext, halves: string[], lines: number): Promise<number> {
  ctx.progress('one process into DuckDB: the same lines');
  const home = join(ctx.dir, 'single');
  mkdirSync(home, { recursive: true });
  const pipelines = Object.fromEntries(
    halves.map((h, i) => {
      copyFileSync(h, join(home, `${i}.log`));
      return [`single_${i}`, gatewayPipeline(`${i}.log`)];
    }),
  );
  writeFileSync(
    join(home, 'mortar.yaml'),
    JSON.stringify({ data_dir: home, ingest: { batch_interval: '250ms' }, pipelines }),
  );
  const config = loadConfig(join(home, 'mortar.yaml'));
  const warehouse = await openWarehouse({ type: 'duckdb', path: join(home, 'single.duckdb') });
  try {
    const started = performance.now();
    const ingest = await startIngest(config, warehouse);
    let stored = 0;
    ingest.events.on('commit', (b) => {
      stored += b.events.length + b.deadLetters.length;
    });
    const deadline = Date.now() + 60_000 + lines;
    while (stored < lines && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await ingest.stop();
    if (stored < lines) throw new Error(`one process committed only ${stored} of ${lines} lines in time`);
    return lines / ((performance.now() - started) / 1000);
  } finally {
    await warehouse.close();
  }
}

/** ClickHouse parsing and storing the same halves itself, through a Distributed table over both shards. */
async function clickhouseRate(
  ctx: BenchContext,
  shards: ClickHouseServer[],
  halves: string[],
  lines: number,
) {
  ctx.progress('clickhouse native: INSERT FORMAT JSONEachRow of the same lines');
  for (const s of shards) {
    await chQuery(s.url, 'create database if not exists ref');
    await chQuery(
      s.url,
      `create table ref.gw_local (ts String, node String, level String, event String, alarm_ref String,
        latency_ms UInt32, msg String) engine = MergeTree() order by (node, ts)`,
    );
    await chQuery(
      s.url,
      `create table ref.gw as ref.gw_local engine = Distributed(${CLUSTER}, ref, gw_local, rand())`,
    );
  }
  const insert = 'insert into ref.gw format JSONEachRow';
  const settings = '&insert_distributed_sync=1&input_format_skip_unknown_fields=1';
  const started = performance.now();
  await Promise.all(
    halves.map(async (file, i) => {
      const res = await fetch(`${shards[i]!.url}/?query=${encodeURIComponent(insert)}${settings}`, {
        method: 'POST',
        body: Readable.toWeb(createReadStream(file)) as ReadableStream,
        duplex: 'half',
      } as RequestInit);
      if (!res.ok) throw new Error(`clickhouse: ${(await res.text()).trim()}`);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const n = await count(shards[0]!.url, 'ref.gw');
  if (n !== lines) throw new Error(`reference stored ${n} rows, expected ${lines}`);
  return lines / seconds;
}

export const ingestCluster: Scenario = {
  name: 'ingest.cluster',
  description: 'events/s from files through 2 agents -> 2 servers -> a 2-shard ClickHouse cluster (loopback)',
  better: 'higher',
  async run(ctx): Promise<Measurement> {
    const lines = Math.max(1000, Math.round(200_000 * ctx.scale));
    ctx.progress(`writing ${lines.toLocaleString('en')} lines`);
    const { halves, bytes } = await writeHalves(ctx, lines);
    // The reference reads copies: the Mortar run moves the halves into the agents' directories.
    const copies = halves.map((h) => `${h}.ref`);
    for (const [i, h] of halves.entries()) writeFileSync(copies[i]!, readFileSync(h));
    ctx.progress('starting a two-shard ClickHouse cluster');
    const cluster = await startClickHouseCluster(CLUSTER, 2);
    try {
      const shards = [...cluster.servers];
      const mortar = await mortarRate(ctx, shards, halves, lines);
      const reference = await clickhouseRate(ctx, shards, copies, lines);
      const single = await singleProcessRate(ctx, copies, lines);
      return {
        value: mortar.rate,
        unit: 'events/s',
        reference: { name: 'clickhouse JSONEachRow insert', value: reference },
        notes: `${lines.toLocaleString('en')} json lines, ${(bytes / 1e6).toFixed(0)} MB, rows per shard ${mortar.perShard.map((n) => n.toLocaleString('en')).join(' / ')}, first rows after ${mortar.firstSeconds.toFixed(1)} s, all after ${mortar.seconds.toFixed(1)} s; one process into DuckDB ${Math.round(single).toLocaleString('en')} events/s`,
      };
    } finally {
      await cluster.stop();
    }
  },
};
