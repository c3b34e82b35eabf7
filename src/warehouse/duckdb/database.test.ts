// The engine settings a DuckDB file is opened with: MORTAR_DUCKDB_THREADS caps DuckDB's worker
// threads (for 2-core hosts where the parse workers take every core), and a bad value is refused
// with a message saying what to set, before any file is opened; the buffer pool's size.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../events/errors.ts';
import { acquireDatabase, CAPTURE, type DuckDBTuning } from './database.ts';

const dirs: string[] = [];
const saved = process.env.MORTAR_DUCKDB_THREADS;
const savedLimit = process.env.MORTAR_DUCKDB_MEMORY_LIMIT;

afterEach(async () => {
  if (saved === undefined) delete process.env.MORTAR_DUCKDB_THREADS;
  else process.env.MORTAR_DUCKDB_THREADS = saved;
  if (savedLimit === undefined) delete process.env.MORTAR_DUCKDB_MEMORY_LIMIT;
  else process.env.MORTAR_DUCKDB_MEMORY_LIMIT = savedLimit;
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function setting(name: string, tuning?: DuckDBTuning): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mortar-db-'));
  dirs.push(dir);
  const lease = await acquireDatabase(join(dir, 'w.duckdb'), tuning);
  try {
    const reader = await lease.db.writer.runAndReadAll(`select current_setting('${name}')::VARCHAR`);
    return String(reader.getRows()[0]![0]);
  } finally {
    await lease.release();
  }
}
const threadsOf = async () => Number(await setting('threads'));

describe('DuckDB engine settings', () => {
  it('uses MORTAR_DUCKDB_THREADS as the number of DuckDB threads', async () => {
    process.env.MORTAR_DUCKDB_THREADS = '1';
    expect(await threadsOf()).toBe(1);
    process.env.MORTAR_DUCKDB_THREADS = '3';
    expect(await threadsOf()).toBe(3);
  });

  it("sizes the buffer pool: 256 MB, the opener's limit (capture), MORTAR_DUCKDB_MEMORY_LIMIT over both", async () => {
    delete process.env.MORTAR_DUCKDB_MEMORY_LIMIT;
    // DuckDB reports the limit in MiB of its own rounding: 256 MB -> 244.1 MiB, 96 MB -> 91.5 MiB
    expect(await setting('memory_limit')).toMatch(/^244\.1 MiB$/);
    expect(await setting('memory_limit', CAPTURE)).toMatch(/^91\.5 MiB$/);
    process.env.MORTAR_DUCKDB_MEMORY_LIMIT = '1GB';
    expect(await setting('memory_limit', CAPTURE)).toMatch(/^953\.6 MiB$/);
  });

  it('checkpoints at 32 MB of WAL, and at 128 MB in a capture-only process', async () => {
    const mib = async (tuning?: DuckDBTuning) =>
      (await setting('checkpoint_threshold', tuning)).replace(/\s+/g, ' ');
    expect(await mib()).toBe('30.5 MiB');
    expect(await mib(CAPTURE)).toBe('122.0 MiB');
  });

  it('refuses a MORTAR_DUCKDB_THREADS that is not a positive integer', async () => {
    for (const bad of ['0', '-1', 'two', '1.5']) {
      process.env.MORTAR_DUCKDB_THREADS = bad;
      const error = await threadsOf().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).message).toMatch(/MORTAR_DUCKDB_THREADS is ".*", not a number of threads/);
    }
  });
});
