// Test helpers for capture tests: a temporary data directory with a one-pipeline configuration
// that reads numbered log lines through the real ingest (file source -> pipeline -> commit queue)
// into a real DuckDB file, a writer of numbered lines with a fixed header, and the check that every
// written line is stored exactly once.
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadConfig } from '../../src/config/load.ts';
import { type Ingest, startIngest } from '../../src/pipeline/ingest.ts';
import { openWarehouse } from '../../src/warehouse/open.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';

/** The same first line in every file: the case a first-line fingerprint alone gets wrong. */
export const HEADER = '# mortar capture test log, format 1';

const dirs: string[] = [];

export function tempDataDir(prefix = 'mortar-capture-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  mkdirSync(join(dir, 'logs'));
  return dir;
}

export function removeTempDataDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

export function writeConfig(dir: string, include: string[], source: Record<string, unknown> = {}): string {
  const file = join(dir, 'mortar.yaml');
  const yaml = JSON.stringify({
    data_dir: '.',
    warehouse: { type: 'duckdb', path: 'mortar.duckdb' },
    ingest: { batch_rows: 2000, batch_interval: '20ms' },
    pipelines: {
      app: {
        subsystem: 'app',
        source: { type: 'file', include, poll_interval: '20ms', ...source },
        parsers: [{ type: 'regex', pattern: '^(?<msg>.*)$' }],
        map: { message: '{msg}' },
      },
    },
  });
  // JSON is YAML.
  writeFileSync(file, yaml);
  return file;
}

/** Runs the real ingest in this process, restartable with what it committed. */
export class IngestRunner {
  #warehouse: Warehouse | undefined;
  #ingest: Ingest | undefined;
  /** Events committed by earlier runs. */
  #committedBefore = 0;
  #failure: unknown;

  constructor(readonly dir: string) {}

  get running(): boolean {
    return this.#ingest !== undefined;
  }

  async start(): Promise<void> {
    const config = loadConfig(join(this.dir, 'mortar.yaml'));
    this.#warehouse = await openWarehouse({ type: 'duckdb', path: join(this.dir, 'mortar.duckdb') });
    const ingest = await startIngest(config, this.#warehouse);
    ingest.done.catch((e) => {
      this.#failure ??= e;
    });
    ingest.events.on('error', (e) => {
      this.#failure ??= e;
    });
    this.#ingest = ingest;
  }

  /** Stops reading, commits what was read, closes the warehouse. */
  async stop(): Promise<void> {
    if (!this.#ingest) return;
    await this.#ingest.stop();
    this.#committedBefore += this.#ingest.status().commits.events;
    await this.#warehouse!.close();
    this.#ingest = undefined;
    this.#warehouse = undefined;
  }

  get committed(): number {
    return this.#committedBefore + (this.#ingest?.status().commits.events ?? 0);
  }

  /** Waits until at least `n` events are committed, then a little longer (duplicates would show). */
  async waitForCommitted(n: number, timeoutMs = 15_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.committed < n) {
      if (this.#failure) throw this.#failure;
      if (Date.now() > until) throw new Error(`timed out: ${this.committed} of ${n} events committed`);
      await sleep(10);
    }
  }
}

/** Writes numbered lines `line 000017 ...` to log files, each file starting with HEADER. */
export class LineWriter {
  next = 0;
  headers = 0;
  fd: number | undefined;
  /** Own write offset, for writers that do not open in append mode. */
  pos = 0;
  /** A handle on an earlier file the writer still writes to for a while. */
  previous: number | undefined;

  constructor(
    readonly dir: string,
    readonly append = true,
  ) {}

  path(name: string): string {
    return join(this.dir, 'logs', name);
  }

  /** Creates (or empties) a file, writes the header, and makes it the current one; returns the old fd. */
  create(name: string): number | undefined {
    const old = this.fd;
    this.fd = openSync(this.path(name), this.append ? 'a' : 'w');
    this.pos = 0;
    this.raw(`${HEADER}\n`);
    this.headers++;
    return old;
  }

  raw(text: string, fd = this.fd!): void {
    const b = Buffer.from(text);
    if (this.append || fd !== this.fd) writeSync(fd, b);
    else {
      writeSync(fd, b, 0, b.length, this.pos);
      this.pos += b.length;
    }
  }

  /** `k` lines to the current file (or to `fd`, e.g. a writer's handle on a rotated file). */
  lines(k: number, fd = this.fd!): void {
    let s = '';
    for (let i = 0; i < k; i++) s += `line ${String(this.next++).padStart(6, '0')} some payload text\n`;
    this.raw(s, fd);
  }

  /** `k` lines in bursts, as a live writer would. */
  async burst(k: number, per = 25): Promise<void> {
    for (let i = 0; i < k; i += per) {
      this.lines(Math.min(per, k - i));
      await sleep(1);
    }
  }

  close(fd = this.fd): void {
    if (fd !== undefined) closeSync(fd);
    if (fd === this.fd) this.fd = undefined;
  }
}

export interface Stored {
  numbers: Map<number, number>;
  headers: number;
  rows: number;
  distinctIds: number;
  deadLetters: number;
}

/** Reads what the warehouse stored (the ingest must be stopped: DuckDB has one writer). */
export async function stored(dir: string): Promise<Stored> {
  const instance = await DuckDBInstance.create(join(dir, 'mortar.duckdb'));
  const c = await instance.connect();
  try {
    const rows = (await c.runAndReadAll('select raw from events')).getRows().map((r) => String(r[0]));
    const ids = Number((await c.runAndReadAll('select count(distinct id) from events')).getRows()[0]![0]);
    const dead = Number((await c.runAndReadAll('select count(*) from dead_letters')).getRows()[0]![0]);
    const numbers = new Map<number, number>();
    let headers = 0;
    for (const raw of rows) {
      const m = /^line (\d{6}) /.exec(raw);
      if (m) numbers.set(Number(m[1]), (numbers.get(Number(m[1])) ?? 0) + 1);
      else if (raw === HEADER) headers++;
      else throw new Error(`unexpected row: ${JSON.stringify(raw.slice(0, 80))}`);
    }
    return { numbers, headers, rows: rows.length, distinctIds: ids, deadLetters: dead };
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

/** Line numbers missing, and those stored more than once, out of 0..n-1. */
export function exactlyOnce(s: Stored, n: number): { missing: number[]; duplicates: number[] } {
  const missing: number[] = [];
  for (let i = 0; i < n; i++) if (!s.numbers.has(i)) missing.push(i);
  const duplicates = [...s.numbers].filter(([, k]) => k > 1).map(([i]) => i);
  return { missing: missing.slice(0, 20), duplicates: duplicates.slice(0, 20) };
}
