// Exactly once across a crash: SIGKILL the demo mid-ingest, restart it on the same data
// directory, stop it cleanly, then every line the simulator wrote is in the warehouse once —
// as part of an event or as a dead letter — and no row is there twice.
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { expect, it } from 'vitest';
import type { HealthResponse } from '../../src/api/types.ts';
import { getJson, startDemo, waitFor } from './demo-process.ts';

function countLines(dir: string): number {
  let n = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) n += countLines(p);
    else if (/\.log(\.\d+)?$/.test(name)) for (const b of readFileSync(p)) if (b === 10) n++;
  }
  return n;
}

it('SIGKILL mid-ingest, restart: every simulator line stored exactly once', {
  timeout: 180_000,
}, async () => {
  const data = mkdtempSync(join(tmpdir(), 'mortar-restart-'));
  const first = await startDemo(data, ['--rate', '30', '--rotate-bytes', '65536', '--keep-rotated', '1000']);
  await waitFor('events in the warehouse', async () => {
    const h = await getJson<HealthResponse>(`${first.url}api/health`);
    return h.warehouse.events > 2000 ? h : undefined;
  });
  await first.kill();

  const second = await startDemo(data, ['--rate', '30', '--rotate-bytes', '65536', '--keep-rotated', '1000']);
  const before = await getJson<HealthResponse>(`${second.url}api/health`);
  await waitFor('more events after the restart', async () => {
    const h = await getJson<HealthResponse>(`${second.url}api/health`);
    return h.warehouse.events > before.warehouse.events + 1000 ? h : undefined;
  });
  expect(await second.stop()).toBe(0);

  const written = countLines(join(data, 'sim'));
  const db = await DuckDBInstance.create(join(data, 'mortar.duckdb'));
  const con = await db.connect();
  const row = async (sql: string) =>
    (await con.runAndReadAll(sql)).getRowObjectsJS()[0] as Record<string, bigint | number>;
  // A multiline record stores its lines joined by \n: count lines, not rows.
  const lines = (table: string) =>
    `SELECT count(*) AS rows, count(DISTINCT id) AS ids, coalesce(sum(length(raw) - length(replace(raw, chr(10), '')) + 1), 0) AS lines FROM ${table}`;
  const ev = await row(lines('events'));
  const dl = await row(lines('dead_letters'));
  con.closeSync();
  db.closeSync();
  const rotated = readdirSync(join(data, 'sim', 'alarm-server')).filter((f) => /\.log\.\d+$/.test(f));
  expect(rotated.length, 'the simulator rotated files during the test').toBeGreaterThan(0);
  expect(Number(ev.ids)).toBe(Number(ev.rows));
  expect(Number(dl.ids)).toBe(Number(dl.rows));
  expect(Number(ev.rows)).toBeGreaterThan(3000);
  expect(Number(ev.lines) + Number(dl.lines)).toBe(written);
});
