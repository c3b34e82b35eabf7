// Helpers for the chaos tests: a Mortar configuration (the demo pipelines) pointed at ClickHouse,
// `mortar ingest` as a child process, killing a private ClickHouse server and starting it again
// on the same data directory and ports, and the ground truth to compare with: the same final log
// files read by the same pipelines into a fresh in-memory DuckDB (ids are deterministic, so a
// complete, duplicate-free ClickHouse holds exactly the same ids).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/load.ts';
import { waitUntilIdle } from '../../src/pipeline/idle.ts';
import { startIngest } from '../../src/pipeline/ingest.ts';
import { openWarehouse } from '../../src/warehouse/open.ts';
import { sql } from '../../src/warehouse/sql.ts';

const BIN = fileURLToPath(new URL('../../bin/mortar.js', import.meta.url));
const DEMO = fileURLToPath(new URL('../../config/demo/', import.meta.url));

/** Writes `<dir>/mortar.yaml`: the demo subsystems and pipelines, reading `<dir>/sim`, into `warehouse`. */
export function writeChaosConfig(dir: string, warehouse: Record<string, unknown>): string {
  const path = join(dir, 'mortar.yaml');
  const config = {
    data_dir: dir,
    warehouse,
    ingest: { batch_rows: 2000, batch_interval: '250ms', workers: 0 },
    include: [join(DEMO, 'subsystems.yaml'), join(DEMO, 'pipelines/*.yaml')],
  };
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

export interface Child {
  readonly child: ChildProcess;
  output(): string;
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
}

export function startMortar(args: string[]): Child {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (b) => (out += b));
  child.stderr!.on('data', (b) => (out += b));
  const exited = new Promise<{ code: number | null; signal: string | null }>((r) =>
    child.on('exit', (code, signal) => r({ code, signal })),
  );
  return { child, output: () => out, exited };
}

/**
 * Starts `mortar serve` on a free port with its own data dir `dir/name` on the ClickHouse database
 * `database` (plus `extra` configuration), and resolves with its URL once it serves; `cleanups`
 * gets a step that kills it if it still runs.
 */
export async function serveOnClickHouse(
  dir: string,
  name: string,
  chUrl: string,
  database: string,
  cleanups: (() => Promise<void> | void)[],
  extra: Record<string, unknown> = {},
): Promise<{ url: string; child: Child }> {
  const home = join(dir, name);
  mkdirSync(home);
  const file = join(home, 'mortar.yaml');
  writeFileSync(
    file,
    JSON.stringify({ data_dir: home, warehouse: { type: 'clickhouse', url: chUrl, database }, ...extra }),
  );
  const child = startMortar(['serve', '-c', file, '--port', '0', '--host', '127.0.0.1']);
  cleanups.push(async () => {
    if (child.child.exitCode === null && child.child.signalCode === null) {
      child.child.kill('SIGKILL');
      await child.exited;
    }
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const m = /serving (http:\/\/\S+?)\/? /.exec(child.output());
    if (m) return { url: m[1]!, child };
    if (child.child.exitCode !== null) throw new Error(`${name} exited:\n${child.output()}`);
    if (Date.now() > deadline) throw new Error(`${name} did not start within 60 s:\n${child.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function chQuery(url: string, query: string): Promise<string> {
  const res = await fetch(`${url}/?query=${encodeURIComponent(query)}`, { method: 'POST' });
  const text = await res.text();
  if (!res.ok) throw new Error(text);
  return text;
}

/** Polls `check` every 250 ms until it is true or `timeoutMs` passed; returns whether it held. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if (await check()) return true;
    } catch {
      // the server may be down right now
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/** The command line of the clickhouse-server process whose config lives in `serverDir`. */
function findServer(serverDir: string): { pid: number; argv: string[] } {
  const needle = `--config-file=${join(serverDir, 'config.xml')}`;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean);
      if (argv.includes(needle)) return { pid: Number(entry), argv };
    } catch {
      // gone meanwhile
    }
  }
  throw new Error(`no clickhouse-server runs with ${needle}`);
}

/**
 * SIGKILLs the server of `serverDir`, keeps it down `downMs`, then starts the same command line
 * again (same data directory and ports). Returns the new process; the caller stops it.
 */
export async function killAndRestart(serverDir: string, url: string, downMs: number): Promise<ChildProcess> {
  const { pid, argv } = findServer(serverDir);
  process.kill(pid, 'SIGKILL');
  await waitFor(async () => {
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  }, 10_000);
  await new Promise((r) => setTimeout(r, downMs));
  const child = spawn(argv[0]!, argv.slice(1), { cwd: serverDir, stdio: 'ignore' });
  const up = await waitFor(async () => (await fetch(`${url}/ping`)).ok, 30_000);
  if (!up) throw new Error(`restarted clickhouse-server at ${url} did not answer`);
  return child;
}

/**
 * Freezes the server of `serverDir` (SIGSTOP) for `ms`, then lets it run on (SIGCONT): a hung
 * server whose sockets still accept connections, unlike a dead one. Returns whether the kernel
 * reported the process stopped while frozen.
 */
export async function freeze(serverDir: string, ms: number): Promise<boolean> {
  const { pid } = findServer(serverDir);
  process.kill(pid, 'SIGSTOP');
  try {
    await new Promise((r) => setTimeout(r, 200));
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0];
    await new Promise((r) => setTimeout(r, ms - 200));
    return state === 'T';
  } finally {
    process.kill(pid, 'SIGCONT');
  }
}

export interface Ids {
  events: string[];
  deadLetters: string[];
}

/** What a complete store holds for the files under `<dir>/sim` now: ids from a fresh DuckDB ingest. */
export async function truthIds(configPath: string, dir: string): Promise<Ids> {
  const config = loadConfig(configPath, { dataDir: dir });
  const w = await openWarehouse({ type: 'duckdb', path: ':memory:' });
  try {
    const ingest = await startIngest(config, w);
    await waitUntilIdle(ingest);
    await ingest.stop();
    const ids = async (table: string) =>
      (await w.query(sql`select id from ${sql.id(table)} order by id`)).map((r) => String(r.id));
    return { events: await ids('events'), deadLetters: await ids('dead_letters') };
  } finally {
    await w.close();
  }
}

/** Every stored id, duplicates included, sorted. */
export async function storedIds(url: string, database: string): Promise<Ids> {
  const ids = async (table: string) =>
    (await chQuery(url, `select id from ${database}.${table} order by id format TSV`))
      .split('\n')
      .filter(Boolean);
  return { events: await ids('events'), deadLetters: await ids('dead_letters') };
}
