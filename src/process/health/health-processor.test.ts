// The demo's health rules on a handful of hand-made events in an in-memory DuckDB: a backdated
// failover and its recovery, a watchdog-reported stall, heartbeat gaps, and a lagging pipeline
// whose silence is not taken for staleness.
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.ts';
import type { MortarEvent } from '../../events/event.ts';
import { openWarehouse } from '../../warehouse/open.ts';
import { makeEvent } from '../../warehouse/testRows.ts';
import type { Warehouse } from '../../warehouse/warehouse.ts';
import { defineHealth, type HealthDef } from './definition.ts';
import { ensureHealthTables, processHealth } from './health-processor.ts';
import { history } from './health-queries.ts';

const T0 = Date.parse('2026-01-01T00:00:00Z') * 1000;
const S = 1_000_000;
const def = defineHealth(
  loadConfig(fileURLToPath(new URL('../../../config/demo/mortar.yaml', import.meta.url))),
) as HealthDef;

let n = 0;
const ev = (atS: number, subsystem: string, component: string, over: Partial<MortarEvent> = {}) =>
  makeEvent(n++, {
    ts: T0 + atS * S,
    subsystem,
    component,
    type: 'heartbeat',
    kind: 'status',
    attrs: {},
    keys: {},
    message: 'heartbeat',
    ...over,
  });
const every = (fromS: number, toS: number, stepS: number, subsystem: string, component: string) =>
  Array.from({ length: Math.floor((toS - fromS) / stepS) + 1 }, (_, i) =>
    ev(fromS + i * stepS, subsystem, component),
  );

let warehouse: Warehouse;
beforeEach(async () => {
  warehouse = await openWarehouse({ type: 'duckdb', path: ':memory:' });
  await ensureHealthTables(warehouse);
  const events = [
    ...every(0, 300, 10, 'gateway', 'gw-b'),
    ...every(0, 100, 10, 'gateway', 'gw-a'),
    ev(108, 'gateway', 'gw-b', {
      type: 'ha.takeover',
      attrs: { peer: 'gw-a', silent_ms: 3000 },
      message: 'peer gw-a silent for 3000 ms',
    }),
    ev(200, 'gateway', 'gw-a', { type: 'service.start', message: 'gateway started' }),
    ...every(200, 300, 10, 'gateway', 'gw-a'),
    ...every(0, 300, 20, 'console', 'op-console-1'),
    ...every(0, 300, 20, 'console', 'op-console-2'),
    ...[60, 90].map((t) =>
      ev(t, 'console', 'op-console-1', {
        type: 'log',
        severity: 'warning',
        attrs: { logger: 'Watchdog' },
        message: `UI thread blocked for ${(t - 30) * 1000} ms, alarm display suspended`,
      }),
    ),
    ev(100, 'console', 'op-console-1', {
      type: 'log',
      severity: 'error',
      attrs: { logger: 'Watchdog' },
      message: 'UI thread restarted after 70 s blocked',
    }),
    ...every(0, 150, 30, 'video', 'vms-1'),
  ];
  await warehouse.commit({ events, deadLetters: [], positions: [] });
});
afterEach(async () => {
  await warehouse.close();
});

async function lines(lagging: string[] = []) {
  await processHealth(warehouse, def, { fromUs: T0, toUs: T0 + 300 * S + 1, nowUs: T0 + 300 * S, lagging });
  const rows = await history(warehouse, 0, Number.MAX_SAFE_INTEGER);
  return (level: string, subsystem: string, component = '') =>
    rows
      .filter((r) => r.level === level && r.subsystem === subsystem && r.component === component)
      .map((r) => `${(r.fromUs! - T0) / S}-${(r.toUs! - T0) / S}:${r.state}`);
}

describe('health processing', () => {
  it('backdates a failure by the silence the peer reports, until the node restarts', async () => {
    const line = await lines();
    expect(line('component', 'gateway', 'gw-a')).toEqual(['0-105:ok', '105-200:failed', '200-300.000001:ok']);
    expect(line('subsystem', 'gateway')).toEqual([
      '0-105:ok',
      '105-108:failed',
      '108-200:degraded',
      '200-300.000001:ok',
    ]);
  });

  it('a stall from its watchdog: backdated to its start, ended by the restart', async () => {
    const line = await lines();
    expect(line('component', 'console', 'op-console-1')).toEqual([
      '0-30:ok',
      '30-100:degraded',
      '100-300.000001:ok',
    ]);
  });

  it('stale after stale_after without a heartbeat; not while the pipeline is still catching up', async () => {
    expect((await lines())('component', 'video', 'vms-1')).toEqual(['0-225:ok', '225-300.000001:stale']);
    expect((await lines(['video']))('component', 'video', 'vms-1')).toEqual(['0-300.000001:ok']);
    // Declared components that never said anything go stale once stale_after has passed.
    expect((await lines())('component', 'sensors', 'sc-01')).toEqual(['0-37.5:ok', '37.5-300.000001:stale']);
  });
});
