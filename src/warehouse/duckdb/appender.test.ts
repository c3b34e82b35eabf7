// DuckDB specifics behind the exactly-once guarantee: appender rows join the surrounding
// transaction, a process killed mid-commit leaves only whole commits, and close() leaves a file
// that another process opens without replaying a WAL.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compile } from '../dialect.ts';
import { openWarehouse } from '../open.ts';
import { makeEvent, range } from '../testRows.ts';
import { appendRows, EVENT_COLUMNS } from './appendRows.ts';
import { duckdbDialect } from './duckdbDialect.ts';
import { DUCKDB_MIGRATIONS } from './migrations.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const module = (name: string) => new URL(name, import.meta.url).href;

/** Runs an ES module snippet in a fresh Node process (with tsx), resolving when it prints `ready`. */
function child(
  code: string,
  onReady?: (kill: () => void) => void,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT });
    let out = '';
    p.stdout.on('data', (d: Buffer) => {
      out += d;
      if (onReady && out.includes('ready')) {
        onReady(() => p.kill('SIGKILL'));
        onReady = undefined;
      }
    });
    p.stderr.on('data', (d: Buffer) => {
      out += d;
    });
    p.on('error', reject);
    p.on('exit', (code) => resolve({ code, out }));
  });
}

async function count(c: DuckDBConnection): Promise<number> {
  return Number((await c.runAndReadAll('select count(*) from events')).getRows()[0]![0]);
}

describe('duckdb appender and transactions', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mortar-duck-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('flushed appender rows belong to the open transaction; buffered ones do not', async () => {
    const instance = await DuckDBInstance.create(join(dir, 'a.duckdb'));
    const c = await instance.connect();
    for (const s of DUCKDB_MIGRATIONS[0]!.statements) await c.run(compile(s, duckdbDialect).text);
    const appender = await c.createAppender('events');
    const events = range(5000).map((i) => makeEvent(i));

    await c.run('BEGIN TRANSACTION');
    appendRows(appender, 'events', EVENT_COLUMNS, events);
    appender.flushSync();
    expect(await count(c)).toBe(5000);
    await c.run('ROLLBACK');
    expect(await count(c)).toBe(0);

    // Rows still buffered at ROLLBACK outlive it and land with the next flush: the reason
    // appendBatchRows (the appender writer) flushes before COMMIT and clears it on failure.
    await c.run('BEGIN TRANSACTION');
    appendRows(appender, 'events', EVENT_COLUMNS, events.slice(0, 10));
    await c.run('ROLLBACK');
    appender.flushSync();
    expect(await count(c)).toBe(10);

    appender.closeSync();
    c.closeSync();
    instance.closeSync();
  });

  it('a crash between append and COMMIT leaves only what was committed before', async () => {
    const path = join(dir, 'crash.duckdb');
    const result = await child(`
      const { openWarehouse } = await import(${JSON.stringify(module('../open.ts'))});
      const { DuckDBInstance } = await import('@duckdb/node-api');
      const { makeEvent, range } = await import(${JSON.stringify(module('../testRows.ts'))});
      const { appendRows, EVENT_COLUMNS } = await import(${JSON.stringify(module('./appendRows.ts'))});
      const w = await openWarehouse({ type: 'duckdb', path: ${JSON.stringify(path)} });
      await w.commit({ events: range(100).map((i) => makeEvent(i)), deadLetters: [], positions: [] });
      await w.close();
      const instance = await DuckDBInstance.create(${JSON.stringify(path)});
      const c = await instance.connect();
      await c.run('BEGIN TRANSACTION');
      const appender = await c.createAppender('events');
      appendRows(appender, 'events', EVENT_COLUMNS, range(200_000, 100).map((i) => makeEvent(i)));
      appender.flushSync();
      process.kill(process.pid, 'SIGKILL');
    `);
    expect(result.code, result.out).toBe(null);
    const w = await openWarehouse({ type: 'duckdb', path });
    expect((await w.counts()).events).toBe(100);
    await w.close();
  });

  it('killing a process mid-stream keeps rows and positions in step (exactly once)', async () => {
    const path = join(dir, 'stream.duckdb');
    const result = await child(
      `
      const { openWarehouse } = await import(${JSON.stringify(module('../open.ts'))});
      const { makeEvent, range } = await import(${JSON.stringify(module('../testRows.ts'))});
      const w = await openWarehouse({ type: 'duckdb', path: ${JSON.stringify(path)} });
      for (let b = 0; ; b++) {
        const events = range(7000, b * 7000).map((i) => makeEvent(i));
        const positions = [{ pipeline: 'sensors', fileId: 'f1', path: '/x', offset: (b + 1) * 7000 }];
        await w.commit({ events, deadLetters: [], positions });
        if (b === 2) console.log('ready');
      }
    `,
      (kill) => setTimeout(kill, 150),
    );
    expect(result.out).toContain('ready');
    const w = await openWarehouse({ type: 'duckdb', path });
    const events = (await w.counts()).events;
    const [position] = await w.positions('sensors');
    expect(events).toBeGreaterThanOrEqual(21_000);
    expect(events).toBe(position?.offset);
    await w.close();
  });

  it('close() checkpoints, so the next process opens a complete file without a WAL', async () => {
    const path = join(dir, 'handover.duckdb');
    const result = await child(`
      const { openWarehouse } = await import(${JSON.stringify(module('../open.ts'))});
      const { makeEvent, range } = await import(${JSON.stringify(module('../testRows.ts'))});
      const w = await openWarehouse({ type: 'duckdb', path: ${JSON.stringify(path)} });
      await w.commit({ events: range(1234).map((i) => makeEvent(i)), deadLetters: [], positions: [] });
      await w.close();
    `);
    expect(result.code, result.out).toBe(0);
    expect(existsSync(`${path}.wal`)).toBe(false);
    const w = await openWarehouse({ type: 'duckdb', path });
    expect((await w.counts()).events).toBe(1234);
    await w.close();
  });

  it('reports a file locked by another process as a user error', async () => {
    const path = join(dir, 'locked.duckdb');
    let attempt: Promise<unknown> = Promise.resolve();
    const result = await child(
      `
      const { openWarehouse } = await import(${JSON.stringify(module('../open.ts'))});
      await openWarehouse({ type: 'duckdb', path: ${JSON.stringify(path)} });
      console.log('ready');
      await new Promise((r) => setTimeout(r, 30_000));
    `,
      (kill) => {
        attempt = openWarehouse({ type: 'duckdb', path }).then(
          () => undefined,
          (e: unknown) => e,
        );
        attempt.finally(kill);
      },
    );
    expect(result.out).toContain('ready');
    expect(await attempt).toMatchObject({ name: 'UserError', code: 'conflict' });
  });

  it('shares one instance per file within a process and closes it with the last handle', async () => {
    const path = join(dir, 'shared.duckdb');
    const [a, b] = await Promise.all([
      openWarehouse({ type: 'duckdb', path }),
      openWarehouse({ type: 'duckdb', path }),
    ]);
    await Promise.all([
      a.commit({ events: range(10).map((i) => makeEvent(i)), deadLetters: [], positions: [] }),
      b.commit({ events: range(10, 10).map((i) => makeEvent(i)), deadLetters: [], positions: [] }),
    ]);
    await a.close();
    expect((await b.counts()).events).toBe(20);
    await b.close();
    const again = await openWarehouse({ type: 'duckdb', path });
    expect((await again.counts()).events).toBe(20);
    await again.close();
  });
});
