// One pipeline end to end on a real file and a real DuckDB file: every line is an event, a dead
// letter or filtered (read = events + dead letters + filtered), and filtered lines still move the
// committed position, so a restart reads nothing again.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadConfig } from '../config/load.ts';
import { openWarehouse } from '../warehouse/open.ts';
import { waitUntilIdle } from './idle.ts';
import { type Ingest, startIngest } from './ingest.ts';

const CONFIG = `
data_dir: .
subsystems: { app: {} }
pipelines:
  app:
    subsystem: app
    source: { type: file, include: ["app.log"], poll_interval: 50ms }
    parsers: [{ type: regex, pattern: '^(?<level>[A-Z]+) (?<host>\\S+) (?<msg>.*)$' }]
    transforms:
      - { type: filter, drop: { field: level, equals: DEBUG } }
      - { type: enrich, field: host, table: { h1: { site: north } }, default: { site: unknown } }
    map:
      severity: "{level}"
      component: "{host}"
      message: "{msg}"
      keys: { alarm_id: { from: msg, pattern: '(A-\\d+)' } }
`;

async function runUntilIdle(dir: string): Promise<Ingest> {
  const config = loadConfig(join(dir, 'mortar.yaml'));
  const warehouse = await openWarehouse({ type: 'duckdb', path: join(dir, 'm.duckdb') });
  const ingest = await startIngest(config, warehouse);
  await waitUntilIdle(ingest);
  await ingest.stop();
  await warehouse.close();
  return ingest;
}

it('accounts for every line and resumes after filtered lines', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mortar-pipe-'));
  writeFileSync(join(dir, 'mortar.yaml'), CONFIG);
  writeFileSync(
    join(dir, 'app.log'),
    [
      'INFO h1 raised A-17',
      'DEBUG h1 noise',
      'WARN h2 slow',
      'garbage',
      'LOUD h1 what',
      'DEBUG h2 more noise',
      '',
    ].join('\n'),
  );
  const first = (await runUntilIdle(dir)).status().pipelines.app!;
  expect(first).toMatchObject({ read: 6, events: 2, deadLetters: 2, filtered: 2 });
  const warehouse = await openWarehouse({ type: 'duckdb', path: join(dir, 'm.duckdb') });
  const page = await warehouse.events({ limit: 10, offset: 0 });
  const dead = await warehouse.deadLetters({ limit: 10, offset: 0 });
  await warehouse.close();
  const byMsg = Object.fromEntries(page.rows.map((e) => [e.message, e]));
  expect(byMsg['raised A-17']).toMatchObject({
    severity: 'info',
    keys: { alarm_id: 'A-17' },
    attrs: { site: 'north' },
  });
  expect(byMsg.slow).toMatchObject({ severity: 'warning', keys: {}, attrs: { site: 'unknown' } });
  expect(dead.rows.map((d) => d.reason).sort()).toEqual([
    'does not match the pattern of parser regex',
    expect.stringMatching(/severity "LOUD" is not known/),
  ]);
  const second = (await runUntilIdle(dir)).status().pipelines.app!;
  expect(second).toMatchObject({ read: 0, events: 0, deadLetters: 0, filtered: 0 });
});
