// Row scopes on the report paths, over HTTP with real sign-in on a real DuckDB file of simulated
// data: a restricted user's run, filter values, domain errors and CSV export hold only rows in
// scope (checked against direct counts); user attributes bind into rules; runs and exports are audited.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessControl } from '../../src/access/access-control.ts';
import { hashPassword } from '../../src/access/password.ts';
import { accessSettings } from '../../src/access/settings.ts';
import { AccessStore } from '../../src/access/store.ts';
import { LiveTotals } from '../../src/api/live.ts';
import { createApp } from '../../src/api/server.ts';
import type {
  DeadLettersResponse,
  EventsResponse,
  ReportFilterValuesResponse,
  ReportRunResult,
  SubsystemsResponse,
  VolumeResponse,
} from '../../src/api/types.ts';
import { loadConfig } from '../../src/config/load.ts';
import { sql } from '../../src/warehouse/sql.ts';
import { ALL_TIME, type ReportWorld, reportWorld, START_US } from '../reports/fixture.ts';

let w: ReportWorld;
let app: Hono;
let store: AccessStore;
const T = `f.time=${encodeURIComponent(ALL_TIME)}`;
const RUN = `/api/reports/event-volume-by-subsystem/run?${T}&limit=10000`;

beforeAll(async () => {
  w = await reportWorld('mortar-scopes-', { durationMs: 4 * 60_000 });
  const dir = mkdtempSync(join(tmpdir(), 'mortar-scopes-cfg-'));
  writeFileSync(
    join(dir, 'mortar.yaml'),
    `data_dir: ${dir}
access:
  enabled: true
  roles:
    control-room:
      permissions: [view_reports, export, view_raw, view_cockpit]
      scopes: {events: ["subsystem in [video, console]"]}
    home:
      permissions: [view_reports, view_dead_letters]
      scopes: {events: ["subsystem = {user.home}"], dead_letters: ["pipeline = nothing"]}
`,
  );
  const accessConfig = loadConfig(join(dir, 'mortar.yaml'));
  store = AccessStore.open(join(dir, 'access.sqlite'));
  const pw = await hashPassword('a-long-password');
  for (const [name, roles, attrs] of [
    ['ada', ['admin'], {}],
    ['cora', ['control-room'], {}],
    ['gus', ['home'], { home: 'gateway' }],
    ['nia', ['home'], {}],
  ] as const)
    store.addUser({ name, passwordHash: pw, roles: [...roles], attrs }, Date.now());
  const access = new AccessControl(store, accessSettings(accessConfig));
  app = createApp({
    config: w.sim.config,
    warehouse: w.sim.warehouse,
    live: await LiveTotals.seed(w.sim.warehouse),
    liveIntervalMs: 50,
    flows: w.flows,
    version: 'test',
    access,
  });
}, 240_000);

afterAll(async () => {
  store?.close();
  await w?.sim.warehouse.close();
});

async function as(user: string): Promise<(path: string, status?: number) => Promise<Response>> {
  const res = await app.request('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user, password: 'a-long-password' }),
  });
  expect(res.status).toBe(200);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return async (path, status = 200) => {
    const r = await app.request(path, { headers: { cookie } });
    expect(r.status, `${path}: ${r.status} ${r.status !== status ? await r.clone().text() : ''}`).toBe(
      status,
    );
    return r;
  };
}

const direct = async (subsystems: string[]) => {
  const [from, to] = ALL_TIME.split('..').map((t) => Date.parse(t) * 1000);
  const rows = await w.sim.warehouse.query(
    sql`select subsystem, count(*) as n from events where ts >= make_timestamp(${from}) and ts < make_timestamp(${to}) group by subsystem`,
  );
  return rows.filter((r) => subsystems.includes(String(r.subsystem))).reduce((a, r) => a + Number(r.n), 0);
};

const total = (r: ReportRunResult) => {
  const i = r.columns.findIndex((c) => c.name === 'events');
  return r.rows.reduce((a, row) => a + Number(row[i]), 0);
};
const subsystemsOf = (r: ReportRunResult) => {
  const i = r.columns.findIndex((c) => c.name === 'subsystem');
  return [...new Set(r.rows.map((row) => String(row[i])))].sort();
};

describe('row scopes on reports', () => {
  it('a restricted user sees exactly the rows in scope; an admin sees all', async () => {
    expect(START_US).toBeGreaterThan(0);
    const cora = (await (await as('cora'))(RUN).then((r) => r.json())) as ReportRunResult;
    expect(subsystemsOf(cora)).toEqual(['console', 'video']);
    expect(total(cora)).toBe(await direct(['video', 'console']));
    const ada = (await (await as('ada'))(RUN).then((r) => r.json())) as ReportRunResult;
    expect(subsystemsOf(ada).length).toBeGreaterThan(3);
    expect(total(ada)).toBe(await direct(subsystemsOf(ada)));
  });

  it('filter values, domain errors and exports are scoped the same way', async () => {
    const cora = await as('cora');
    const values = (await (
      await cora(`/api/reports/event-volume-by-subsystem/filters/subsystem/values?${T}`)
    ).json()) as ReportFilterValuesResponse;
    expect(values.values.map((v) => v.value).sort()).toEqual(['console', 'video']);
    const denied = (await (await cora(`${RUN}&f.subsystem=sensors`, 400)).json()) as {
      error: { message: string };
    };
    expect(denied.error.message).toMatch(/unknown subsystem "sensors"/);
    const csv = await (await cora(`/api/reports/event-volume-by-subsystem/export.csv?${T}`)).text();
    const lines = csv.trim().split('\n').slice(1);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => /,(video|console),/.test(`,${l},`))).toBe(true);
  });

  it('binds user attributes, and a missing attribute sees nothing', async () => {
    const gus = (await (await as('gus'))(RUN).then((r) => r.json())) as ReportRunResult;
    expect(subsystemsOf(gus)).toEqual(['gateway']);
    expect(total(gus)).toBe(await direct(['gateway']));
    const nia = (await (await as('nia'))(RUN).then((r) => r.json())) as ReportRunResult;
    expect(nia.rows).toEqual([]);
    // a rule binds only to its dataset: gus's dead_letters rule hides every dead letter, events unaffected
    const dl = (await (
      await as('gus')
    )(`/api/reports/dead-letters-by-pipeline/run?${T}`).then((r) => r.json())) as ReportRunResult;
    expect(dl.rows).toEqual([]);
  });

  it('event search, volume, dead letters, subsystem totals and the live stream are scoped', async () => {
    const [from, to] = ALL_TIME.split('..');
    const range = `from=${encodeURIComponent(from!)}&to=${encodeURIComponent(to!)}`;
    const cora = await as('cora');
    const ev = (await (await cora(`/api/events?${range}&limit=1000`)).json()) as EventsResponse;
    expect(ev.total).toBe(await direct(['video', 'console']));
    expect(new Set(ev.rows.map((r) => r.subsystem))).toEqual(new Set(['video', 'console']));
    const vol = (await (await cora(`/api/volume?${range}&bucket=60`)).json()) as VolumeResponse;
    const withData = new Set(
      vol.points.flatMap((p) =>
        Object.entries(p.counts)
          .filter(([, n]) => n > 0)
          .map(([k]) => k),
      ),
    );
    expect([...withData].sort()).toEqual(['console', 'video']);
    const volTotal = vol.points.reduce((a, p) => a + Object.values(p.counts).reduce((x, y) => x + y, 0), 0);
    expect(volTotal).toBe(ev.total);
    const subs = (await (await cora('/api/subsystems')).json()) as SubsystemsResponse;
    for (const s of subs.subsystems)
      if (!['video', 'console'].includes(s.name)) expect(s.events, s.name).toBe(0);
    const live = await cora('/api/live');
    const reader = live.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    const totals = JSON.parse(first.split('data: ')[1]!.split('\n')[0]!).totals as Record<string, number>;
    expect(Object.keys(totals).sort()).toEqual(['console', 'video']);
    const gusDl = (await (await (await as('gus'))('/api/dead-letters')).json()) as DeadLettersResponse;
    const adaDl = (await (await (await as('ada'))('/api/dead-letters')).json()) as DeadLettersResponse;
    expect(gusDl.total).toBe(0);
    expect(adaDl.total).toBeGreaterThan(0);
  });

  it('audits runs and exports with their filters', () => {
    const log = store.auditLog({ limit: 500 });
    expect(
      log.some(
        (r) => r.actor === 'cora' && r.action === 'export_csv' && r.target === 'event-volume-by-subsystem',
      ),
    ).toBe(true);
    expect(
      log.some(
        (r) => r.actor === 'gus' && r.action === 'report_run' && String(r.detail?.query).includes('f.time'),
      ),
    ).toBe(true);
  });
});
