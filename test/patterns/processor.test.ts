// Pattern mining inside the warehouse, on a real DuckDB file: events committed in several batches
// are mined incrementally (each event mapped once, counts equal to the events), a restart with a
// fresh runner state continues with the same template ids and never counts twice, a message type
// never seen before is recorded as a change, a rate jump is detected, and the API answers from it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LiveTotals } from '../../src/api/live.ts';
import { createApp } from '../../src/api/server.ts';
import type { PatternChangesResponse, PatternDetailResponse, PatternsResponse } from '../../src/api/types.ts';
import type { Config } from '../../src/config/load.ts';
import type { MortarEvent } from '../../src/events/event.ts';
import {
  DEFAULT_PATTERN_SETTINGS,
  detectRateChanges,
  ensurePatternTables,
  minePatternStep,
  newPatternState,
} from '../../src/process/patterns/pattern-processor.ts';
import { openWarehouse } from '../../src/warehouse/open.ts';
import { sql } from '../../src/warehouse/sql.ts';
import { makeEvent, T0 } from '../../src/warehouse/testRows.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';

const dir = mkdtempSync(join(tmpdir(), 'mortar-patterns-'));
const path = join(dir, 'w.duckdb');
const open: Warehouse[] = [];
afterAll(async () => {
  for (const w of open) await w.close().catch(() => {});
});

const MIN = 60e6;
let seq = 0;
/** One event of `pipeline` at minute `m` (+ seq µs), committed with ingest time = event time. */
function ev(pipeline: string, m: number, message: string, component = `${pipeline}-1`): MortarEvent {
  const i = seq++;
  const ts = T0 + m * MIN + i;
  return makeEvent(i, {
    id: `p-${i}`,
    ts,
    receivedAt: ts,
    pipeline,
    subsystem: pipeline,
    component,
    message,
    file: `/logs/${pipeline}.log`,
    offset: i * 10,
  });
}

async function commit(w: Warehouse, events: MortarEvent[]) {
  await w.commit({ events, deadLetters: [], positions: [] });
}

const count = async (w: Warehouse, table: string, where = sql`true`) =>
  Number((await w.query(sql`select count(*) as n from ${sql.id(table)} where ${where}`))[0]!.n);

const settings = { ...DEFAULT_PATTERN_SETTINGS, batch: 50 };

describe('pattern processor', () => {
  it('mines incrementally, survives a restart without double counting, and records changes', async () => {
    let w = await openWarehouse({ type: 'duckdb', path });
    open.push(w);
    await ensurePatternTables(w);
    // minutes 0..39: a steady gateway and a steady sensor stream
    const first: MortarEvent[] = [];
    for (let m = 0; m < 40; m++) {
      first.push(ev('gateway', m, `forwarded sc-0${m % 5}/${1000 + m} to as-1`));
      first.push(ev('gateway', m, `Alarm A-${m} acknowledged by ${m % 2 ? 'jdoe' : 'asmith'}`));
      first.push(ev('sensors', m, `uptime=${m * 60}s temp=${20 + (m % 9)}.5C`));
    }
    await commit(w, first.slice(0, 60));
    await commit(w, first.slice(60));
    let state = newPatternState();
    let steps = 0;
    while ((await minePatternStep(w, state, settings)).events > 0) steps++;
    expect(steps).toBeGreaterThan(1); // the batch size split the work
    expect(await count(w, 'pattern_events')).toBe(first.length);
    const templates = await w.query(
      sql`select pipeline, template, count from pattern_templates order by pipeline, template`,
    );
    expect(templates.map((r) => [r.pipeline, r.template, Number(r.count)])).toEqual([
      ['gateway', 'Alarm <*> acknowledged by <*>', 40],
      ['gateway', 'forwarded <*>/<*> to <*>', 40],
      ['sensors', 'uptime=<*> temp=<*>', 40],
    ]);
    // nothing new: a step changes nothing
    expect((await minePatternStep(w, state, settings)).events).toBe(0);
    const ids = new Map(
      (await w.query(sql`select id, template from pattern_templates`)).map((r) => [r.template, r.id]),
    );

    // restart: close, reopen, fresh state; new events, including a never-seen message type on gw-2
    await w.close();
    w = await openWarehouse({ type: 'duckdb', path });
    open.push(w);
    state = newPatternState();
    const later: MortarEvent[] = [];
    for (let m = 40; m < 46; m++) {
      later.push(ev('gateway', m, `forwarded sc-01/${2000 + m} to as-2`));
      // a storm of acknowledgements: 20 a minute instead of 1
      for (let k = 0; k < 20; k++) later.push(ev('gateway', m, `Alarm A-${m}${k} acknowledged by jdoe`));
    }
    later.push(ev('gateway', 45, 'peer gw-1 silent for 3000 ms, taking over', 'gw-2'));
    await commit(w, later);
    while ((await minePatternStep(w, state, settings)).events > 0);
    expect(await count(w, 'pattern_events')).toBe(first.length + later.length);
    const after = await w.query(
      sql`select id, template, count from pattern_templates where pipeline = 'gateway'`,
    );
    const byTemplate = new Map(after.map((r) => [r.template, r]));
    expect(byTemplate.get('forwarded <*>/<*> to <*>')?.id).toBe(ids.get('forwarded <*>/<*> to <*>'));
    expect(Number(byTemplate.get('forwarded <*>/<*> to <*>')?.count)).toBe(46);
    expect(Number(byTemplate.get('Alarm <*> acknowledged by <*>')?.count)).toBe(40 + 120);
    // every event carries exactly one template id
    const dup = await w.query(
      sql`select count(*) as n from (select event_id from pattern_events group by event_id having count(*) > 1)`,
    );
    expect(Number(dup[0]!.n)).toBe(0);

    const changes = await w.query(sql`select * from pattern_changes where kind = 'new'`);
    expect(changes.map((r) => [r.pipeline, r.component, r.detail])).toEqual([
      ['gateway', 'gw-2', 'peer <*> silent for <*> ms, taking over'],
    ]);
    expect(await detectRateChanges(w, settings)).toBeGreaterThanOrEqual(1);
    const rate = await w.query(sql`select * from pattern_changes where kind = 'rate_up'`);
    expect(rate.map((r) => r.detail)).toContain('Alarm <*> acknowledged by <*>');
    // detection is idempotent within a window
    expect(await detectRateChanges(w, settings)).toBe(0);

    // the API reads the same tables
    const config = { subsystems: {}, pipelines: {} } as unknown as Config;
    const app = createApp({ config, warehouse: w, live: await LiveTotals.seed(w), version: 'test' });
    const get = async <T>(url: string, status = 200): Promise<T> => {
      const res = await app.request(url);
      expect(res.status, url).toBe(status);
      return (await res.json()) as T;
    };
    const top = await get<PatternsResponse>('/api/patterns');
    expect(top.sources.map((s) => s.pipeline)).toEqual(['gateway', 'sensors']);
    const gw = top.sources[0]!;
    expect(gw.patterns[0]!.template).toBe('Alarm <*> acknowledged by <*>');
    expect(gw.patterns[0]!.series.reduce((a, b) => a + b, 0)).toBe(gw.patterns[0]!.count);
    const onlySensors = await get<PatternsResponse>('/api/patterns?subsystem=sensors');
    expect(onlySensors.sources.map((s) => s.pipeline)).toEqual(['sensors']);
    const ch = await get<PatternChangesResponse>('/api/patterns/changes');
    expect(ch.changes.map((c) => c.kind).sort()).toEqual(['new', 'rate_up']);
    const newOne = ch.changes.find((c) => c.kind === 'new')!;
    const detail = await get<PatternDetailResponse>(`/api/patterns/${newOne.id}`);
    expect(detail.sources[0]!.examples).toEqual(['peer gw-1 silent for 3000 ms, taking over']);
    expect(detail.sources[0]!.total).toBe(1);
    await get('/api/patterns/nope', 404);
    await get('/api/patterns?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', 400);
  }, 60_000);

  it('a failed commit of a step leaves no count behind: the retry counts each event once', async () => {
    const w = await openWarehouse({ type: 'duckdb', path: join(dir, 'fail.duckdb') });
    open.push(w);
    await ensurePatternTables(w);
    await commit(
      w,
      Array.from({ length: 30 }, (_, m) => ev('video', m, `bookmark created for cam-${m % 4}`)),
    );
    let failNext = true;
    const flaky = new Proxy(w, {
      get(target, prop, receiver) {
        if (prop === 'execute' && failNext) {
          return async () => {
            failNext = false;
            throw new Error('disk full (injected)');
          };
        }
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const state = newPatternState();
    await expect(minePatternStep(flaky, state, settings)).rejects.toThrow(/injected/);
    while ((await minePatternStep(flaky, state, settings)).events > 0);
    const rows = await w.query(sql`select template, count from pattern_templates`);
    expect(rows.map((r) => [r.template, Number(r.count)])).toEqual([['bookmark created for <*>', 30]]);
    expect(await count(w, 'pattern_events')).toBe(30);
  }, 60_000);
});
