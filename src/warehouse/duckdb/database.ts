// One DuckDB instance per database file per process, shared by every handle that opens it:
// DuckDB must not attach one file twice in a process, and all writers to a file have to meet in
// the same queue. The last handle to leave waits for work in flight, checkpoints and closes, so
// the next process (or the next open here) finds a complete file and no WAL to replay.
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { UserError } from '../../events/errors.ts';
import { LateCommits } from '../late-commits.ts';
import { SerialQueue } from '../serialQueue.ts';
import { control } from './execute.ts';

export interface SharedDatabase {
  readonly instance: DuckDBInstance;
  /** The one connection every write uses, always through `writes`. */
  readonly writer: DuckDBConnection;
  readonly writes: SerialQueue;
  /** The connection of transactions run beside the writer's (execute with `beside`), opened on first use. */
  beside?: DuckDBConnection;
  readonly besides: SerialQueue;
  /** Reads in flight, awaited before closing. */
  readonly reads: Set<Promise<unknown>>;
  /** How late the commits' rows became visible (late-commits.ts). */
  readonly lateCommits: LateCommits;
}

interface Entry {
  refs: number;
  readonly db: Promise<SharedDatabase>;
}

const entries = new Map<string, Entry>();
const closing = new Map<string, Promise<void>>();
let memoryCount = 0;

const MEMORY = ':memory:';

/**
 * DuckDB's buffer pool by default may take 80% of the machine's memory, and while ingesting it
 * keeps every block written so far cached: the process grew past 1 GB on the ingest bench. A small
 * pool keeps Mortar near its memory bound; queries larger than it spill to `<file>.tmp` (so only
 * file databases get it). 64 and 96 MB were measured too small (reprocess fails to pin blocks);
 * 128 MB holds ingest near 550 MB RSS but leaves little headroom for reprocess and cockpit queries
 * over large warehouses, so the default is 256 MB until those are measured at scale.
 * MORTAR_DUCKDB_MEMORY_LIMIT (e.g. `128MB`, `1GB`) sets it.
 */
const DEFAULT_MEMORY_LIMIT = '256MB';

/**
 * WAL size at which DuckDB checkpoints (its default: 16 MB). A checkpoint compresses and rewrites
 * the table's open row groups, and also the row groups of tables with updated or deleted rows
 * (the flow processors' state); commits wait for it. 32 MB checkpoints half as often as the
 * default at no higher peak RSS; a crash replays at most this much WAL when the file is opened
 * again (about 1 s per 50 MB).
 */
const CHECKPOINT_THRESHOLD = '32MB';

/** How a process uses its database file: the pool size and how much WAL it lets grow. */
export interface DuckDBTuning {
  /** DuckDB's buffer pool (default 256 MB); MORTAR_DUCKDB_MEMORY_LIMIT wins. */
  memoryLimit?: string;
  /** WAL size at which DuckDB checkpoints (default 32 MB). */
  checkpointThreshold?: string;
}

/**
 * A process that only captures (`mortar ingest`): it appends rows and upserts read positions,
 * never a large query, and must stay within 512 MB RSS whatever the backlog.
 * - Pool: with the 256 MB default the ingest bench peaked at 587-638 MB RSS, with 128 MB at
 *   489-533 MB, with 96 MB at 440-487 MB at the same throughput (2M json lines, 393 MB, went
 *   through at 464 MB).
 * - Checkpoints at 128 MB of WAL: with nothing but appends, a checkpoint's cost is mostly the open
 *   row group rewritten once more, so fewer is cheaper: ingest.text 33.6k against 23.9k lines/s
 *   over 500k lines, 27.8k against 24.4k over 2M (measured, same machine). Not for a process that
 *   also runs the flow processors: there a 128 MB checkpoint (their updated state rewritten too)
 *   held commits long enough to raise correlate.lag.stress's p99 from 7.5 s to 18-21 s in two of
 *   four runs.
 */
export const CAPTURE: Readonly<Required<DuckDBTuning>> = Object.freeze({
  memoryLimit: '96MB',
  checkpointThreshold: '128MB',
});

/**
 * MORTAR_DUCKDB_THREADS sets DuckDB's worker threads (default: one per core). While ingesting,
 * the parse workers already take every core and DuckDB's own threads compete with them. On the
 * shared 2-core dev VM `1` was faster in 5 of 6 ingest.text A/B pairs (from -15% to +63%; the
 * machine's load swung a lot), peak RSS from -15 to +59 MB, and queries then run on one thread:
 * a setting to measure on the target host, not the default.
 */
function threadsOption(): Record<string, string> {
  const v = process.env.MORTAR_DUCKDB_THREADS;
  if (v === undefined || v === '') return {};
  if (!/^[1-9][0-9]{0,3}$/.test(v))
    throw new UserError('config_invalid', `MORTAR_DUCKDB_THREADS is "${v}", not a number of threads`, [
      { where: 'MORTAR_DUCKDB_THREADS', message: 'not a positive integer', hint: 'e.g. 1, or unset it' },
    ]);
  return { threads: v };
}

/** The opener's tuning (CAPTURE, or the defaults); MORTAR_DUCKDB_MEMORY_LIMIT wins over its pool. */
function engineOptions(tuning: DuckDBTuning = {}): Record<string, string> {
  return {
    memory_limit: process.env.MORTAR_DUCKDB_MEMORY_LIMIT || tuning.memoryLimit || DEFAULT_MEMORY_LIMIT,
    checkpoint_threshold: tuning.checkpointThreshold ?? CHECKPOINT_THRESHOLD,
    ...threadsOption(),
  };
}

async function create(key: string, path: string, tuning?: DuckDBTuning): Promise<SharedDatabase> {
  await closing.get(key);
  if (path !== MEMORY) await mkdir(dirname(path), { recursive: true });
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(path, path === MEMORY ? undefined : engineOptions(tuning));
  } catch (error) {
    // DuckDB allows one writing process per file; say so in terms an operator can act on.
    if (error instanceof Error && /Could not set lock/.test(error.message)) {
      throw new UserError(
        'conflict',
        `the warehouse ${path} is in use by another process: ${error.message}`,
        [
          {
            where: path,
            message: 'locked',
            hint: 'stop the other Mortar process, or point this one at another file',
          },
        ],
      );
    }
    throw error;
  }
  const writer = await instance.connect();
  return {
    instance,
    writer,
    writes: new SerialQueue(),
    besides: new SerialQueue(),
    reads: new Set(),
    lateCommits: new LateCommits(),
  };
}

async function shutdown(db: SharedDatabase): Promise<void> {
  try {
    await db.besides.idle();
    db.beside?.closeSync();
    db.beside = undefined;
    await db.writes.run(async () => {
      await Promise.allSettled([...db.reads]);
      await control(db.writer, 'CHECKPOINT');
    });
  } finally {
    db.writer.closeSync();
    db.instance.closeSync();
  }
}

export interface DatabaseLease {
  readonly db: SharedDatabase;
  release(): Promise<void>;
}

/**
 * Opens (or joins) the database at `path`; `:memory:` is never shared. `tuning` applies when this
 * call opens it (a joiner shares the settings the first opener chose).
 */
export async function acquireDatabase(path: string, tuning?: DuckDBTuning): Promise<DatabaseLease> {
  const key = path === MEMORY ? `${MEMORY}${++memoryCount}` : resolve(path);
  let entry = entries.get(key);
  if (!entry) {
    entry = { refs: 0, db: create(key, path === MEMORY ? MEMORY : key, tuning) };
    entries.set(key, entry);
  }
  const e = entry;
  e.refs++;
  let db: SharedDatabase;
  try {
    db = await e.db;
  } catch (error) {
    if (--e.refs === 0 && entries.get(key) === e) entries.delete(key);
    throw error;
  }
  let released = false;
  return {
    db,
    async release() {
      if (released) return;
      released = true;
      if (--e.refs > 0) return;
      entries.delete(key);
      const done = shutdown(db);
      const marker = done.catch(() => undefined);
      closing.set(key, marker);
      try {
        await done;
      } finally {
        if (closing.get(key) === marker) closing.delete(key);
      }
    },
  };
}
