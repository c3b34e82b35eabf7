// Catalog increments on a real DuckDB file: schema drift recorded as rows (new type, new field,
// type change, vanished and returned field, collapsed and recovered rate) with the time it shows
// in the data, and restart safety: reopening the warehouse and re-running neither skips nor
// double counts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttrValue, MortarEvent } from '../../src/events/event.ts';
import { processCatalog } from '../../src/process/catalog/catalog-processor.ts';
import { readCatalog, readDrift } from '../../src/process/catalog/catalog-queries.ts';
import { startCatalogRunner } from '../../src/process/catalog/catalog-runner.ts';
import { openWarehouse } from '../../src/warehouse/open.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';

const T0 = Date.parse('2026-03-01T00:00:00Z') * 1000;
const MIN = 60e6;
const VIEWER = { user: 'test', roles: [], sees: () => true, shown: () => (v: string) => v };
let path: string;
let warehouse: Warehouse;
let seq = 0;

function event(
  type: string,
  tsUs: number,
  receivedAt: number,
  attrs: Record<string, AttrValue>,
  keys: Record<string, string> = {},
): MortarEvent {
  seq++;
  return {
    id: `e-${seq}`,
    ts: tsUs,
    receivedAt,
    subsystem: 'doors',
    component: `door-ctl-${seq % 2}`,
    source: 'file',
    kind: 'log',
    type,
    severity: 'info',
    keys,
    attrs,
    message: `${type} ${seq}`,
    raw: `raw ${seq}`,
    pipeline: 'doors',
    file: '/var/log/doors.log',
    offset: seq * 100,
  };
}

/** Events every 6 s in [fromMin, toMin) of event time. */
function every6s(
  fromMin: number,
  toMin: number,
  make: (tsUs: number, i: number) => MortarEvent,
): MortarEvent[] {
  const out: MortarEvent[] = [];
  for (let t = T0 + fromMin * MIN, i = 0; t < T0 + toMin * MIN; t += 6e6, i++) out.push(make(t, i));
  return out;
}

async function commit(events: MortarEvent[]) {
  await warehouse.commit({ events, deadLetters: [], positions: [] });
}

const heartbeats = (from: number, to: number, recv: number) =>
  every6s(from, to, (t) => event('door.heartbeat', t, recv, { temp_c: 20.5 }));

async function drift() {
  return (await readDrift(warehouse, { limit: 100, offset: 0 })).rows
    .map((r) => `${r.change} ${r.type} ${r.field ?? '-'} ${r.detail.split(',')[0]}`)
    .sort();
}

async function typeEvents(type: string): Promise<number> {
  const c = await readCatalog(warehouse, VIEWER);
  return c.sources[0]?.types.find((t) => t.type === type)?.events ?? 0;
}

beforeAll(async () => {
  path = join(mkdtempSync(join(tmpdir(), 'mortar-drift-')), 'w.duckdb');
  warehouse = await openWarehouse({ type: 'duckdb', path });
}, 60_000);

afterAll(async () => {
  await warehouse?.close();
});

describe('catalog increments and drift', () => {
  it('learns a baseline from the first increment without reporting drift', async () => {
    const recv = T0 + 3600e6;
    await commit([
      ...every6s(0, 20, (t, i) =>
        event('door.open', t, recv, { door: `D-${i % 5}`, user_id: `u${i}`, weight: i }, { badge: `B-${i}` }),
      ),
      ...heartbeats(0, 20, recv),
    ]);
    const runner = startCatalogRunner(warehouse, { settleUs: 0, enabled: false });
    await runner.runOnce();
    await runner.stop();
    expect(runner.stats().last?.events).toBe(400);
    expect(await drift()).toEqual([]);
    const open = (await readCatalog(warehouse, VIEWER)).sources[0]!.types.find(
      (t) => t.type === 'door.open',
    )!;
    const field = (name: string) => open.fields.find((f) => f.field === name)!;
    expect([field('attrs.weight').type, field('attrs.weight').numeric]).toEqual(['int', true]);
    expect([field('attrs.door').cardinality, field('attrs.door').cardinalityExact]).toEqual([5, true]);
    expect(field('keys.badge').cardinality).toBe(200);
    expect(field('keys.badge').fill).toBe(1);
  });

  it('survives a restart: re-running adds nothing, the next increment is counted once', async () => {
    await warehouse.close();
    warehouse = await openWarehouse({ type: 'duckdb', path });
    expect((await processCatalog(warehouse, { settleUs: 0 })).events).toBe(0);
    expect(await typeEvents('door.open')).toBe(200);

    const recv = T0 + 3600e6 + 10e6;
    await commit([
      ...every6s(20, 25, (t, i) =>
        event(
          'door.open',
          t,
          recv,
          { door: `D-${i % 5}`, weight: 'heavy', reason: 'forced' },
          { badge: `B-x${i}` },
        ),
      ),
      ...every6s(20, 20.3, (t) => event('door.forced', t, recv, { door: 'D-1' })),
      ...heartbeats(20, 25, recv),
    ]);
    expect((await processCatalog(warehouse, { settleUs: 0 })).events).toBe(103);
    expect((await processCatalog(warehouse, { settleUs: 0 })).events).toBe(0);
    expect(await typeEvents('door.open')).toBe(250);
  });

  it('records a new type, a new field, a type change and a vanished field, at the time they show', async () => {
    expect(await drift()).toEqual([
      'field_added door.open attrs.reason string',
      'field_vanished door.open attrs.user_id absent from 50 new events (was in 100%)',
      'type_added door.forced - 3 events',
      'type_changed door.open attrs.weight int → string',
    ]);
    const rows = (await readDrift(warehouse, { limit: 100, offset: 0 })).rows;
    const at = rows.find((r) => r.change === 'type_changed')!.at;
    expect(at).toBe(new Date((T0 + 20 * MIN) / 1000).toISOString().replace('.000Z', '.000000Z'));
    const byChange = await readDrift(warehouse, { limit: 100, offset: 0, changes: ['field_vanished'] });
    expect(byChange.rows.map((r) => r.field)).toEqual(['attrs.user_id']);
  });

  it('records a returned field and a collapsed, then recovered rate', async () => {
    const recv = T0 + 3600e6 + 20e6;
    // Heartbeats stop at minute 25; door.open goes on (with user_id again) until minute 28. The
    // latest complete minute (26) is judged against minutes 16-25 (the last of them already empty).
    await commit(
      every6s(25, 28, (t, i) =>
        event('door.open', t, recv, { door: 'D-1', user_id: `u${i}`, weight: 'light' }),
      ),
    );
    await processCatalog(warehouse, { settleUs: 0 });
    const after = await drift();
    expect(after).toContain('field_returned door.open attrs.user_id in 30 of 30 events');
    expect(after.find((d) => d.startsWith('rate_collapsed'))).toBe(
      'rate_collapsed door.heartbeat - 0.0/min against 9.0/min before',
    );
    expect(
      (await readCatalog(warehouse, VIEWER)).sources[0]!.types.find((t) => t.type === 'door.heartbeat')!
        .collapsed,
    ).toBe(true);

    await commit([
      ...heartbeats(28, 31, recv + 10e6),
      ...every6s(28, 31, (t, i) =>
        event('door.open', t, recv + 10e6, { door: 'D-2', user_id: `v${i}`, weight: 'light' }),
      ),
    ]);
    await processCatalog(warehouse, { settleUs: 0 });
    expect((await drift()).filter((d) => d.startsWith('rate_'))).toEqual([
      'rate_collapsed door.heartbeat - 0.0/min against 9.0/min before',
      'rate_recovered door.heartbeat - 10.0/min (was 9.0/min)',
    ]);
    // Counts equal what was committed, however the increments fell.
    expect(await typeEvents('door.open')).toBe(310);
    expect(await typeEvents('door.heartbeat')).toBe(280);
    // The distinct-value sketch merged across increments: 200 + 50 badges, counted exactly.
    const open = (await readCatalog(warehouse, VIEWER)).sources[0]!.types.find(
      (t) => t.type === 'door.open',
    )!;
    const badge = open.fields.find((f) => f.field === 'keys.badge')!;
    expect([badge.cardinality, badge.cardinalityExact, badge.present]).toEqual([250, true, 250]);
  });
});
