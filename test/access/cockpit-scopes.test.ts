// Row scopes on the cockpit paths (topology, states, history, availability, flows, hops, alerts),
// over HTTP with real sign-in on a real DuckDB file of simulated data: a restricted user sees only
// the subsystems, components, edges and alerts in scope, its numbers equal recomputations from the
// visible rows, roll-ups it cannot see whole are hidden, and an admin's answers are unchanged.
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
  AvailabilityResponse,
  FlowAlertResponse,
  FlowAlertsResponse,
  FlowHopsResponse,
  FlowsResponse,
  StatesHistoryResponse,
  StatesResponse,
  TopologyResponse,
} from '../../src/api/types.ts';
import { loadConfig } from '../../src/config/load.ts';
import { defineHealth } from '../../src/process/health/definition.ts';
import { sql } from '../../src/warehouse/sql.ts';
import { ALL_TIME, type ReportWorld, reportWorld } from '../reports/fixture.ts';

let w: ReportWorld;
let app: Hono;
let store: AccessStore;
const [FROM, TO] = ALL_TIME.split('..') as [string, string];
const RANGE = `from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}`;
const FROM_US = Date.parse(FROM) * 1000;
const TO_US = Date.parse(TO) * 1000;
const OPS_HEALTH = ['alarm-server', 'console'];
const OPS_EVENTS = ['alarm-server', 'console', 'video'];

beforeAll(async () => {
  w = await reportWorld('mortar-cockpit-scopes-', { durationMs: 4 * 60_000 });
  const dir = mkdtempSync(join(tmpdir(), 'mortar-cockpit-scopes-cfg-'));
  writeFileSync(
    join(dir, 'mortar.yaml'),
    `data_dir: ${dir}
access:
  enabled: true
  roles:
    ops:
      permissions: [view_cockpit, view_raw]
      scopes:
        events: ["subsystem in [alarm-server, console, video]"]
        health_history: ["subsystem in [alarm-server, console]"]
        availability: ["subsystem in [alarm-server, console]"]
        topology_edges: ["from_subsystem = alarm-server"]
        flow_alerts: ["state in [complete, lost]"]
        flow_hops: ["to_subsystem in [video, console]"]
    partial:
      permissions: [view_cockpit]
      scopes:
        health_history: ["component != as-1"]
        availability: ["state = ok"]
        flow_alerts: ["flow = no-such-flow"]
        topology_edges: ["breach = no"]
`,
  );
  store = AccessStore.open(join(dir, 'access.sqlite'));
  const pw = await hashPassword('a-long-password');
  for (const [name, roles] of [
    ['ada', ['admin']],
    ['olga', ['ops']],
    ['pat', ['partial']],
  ] as const)
    store.addUser({ name, passwordHash: pw, roles: [...roles], attrs: {} }, Date.now());
  app = createApp({
    config: w.sim.config,
    warehouse: w.sim.warehouse,
    live: await LiveTotals.seed(w.sim.warehouse),
    flows: w.flows,
    health: defineHealth(w.sim.config),
    version: 'test',
    access: new AccessControl(store, accessSettings(loadConfig(join(dir, 'mortar.yaml')))),
  });
}, 240_000);

afterAll(async () => {
  store?.close();
  await w?.sim.warehouse.close();
});

async function as(user: string): Promise<<T>(path: string, status?: number) => Promise<T>> {
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
  return async <T>(path: string, status = 200) => {
    const r = await app.request(path, { headers: { cookie } });
    expect(r.status, `${path}: ${await r.clone().text()}`).toBe(status);
    return (await r.json()) as T;
  };
}

/** The unrestricted answer (access control off) to compare an admin with. */
const open = async <T>(path: string) => (await (await w.app.request(path)).json()) as T;

/** Subsystem of each step of each flow, from the definitions (independent of the dataset layer). */
const subsystemOf = (flow: string, step: string) => {
  const s = w.flows.find((f) => f.name === flow)?.steps.find((x) => x.name === step)?.match.subsystem;
  return typeof s === 'string' ? s : undefined;
};
const q = (v: unknown) => (v === null || v === undefined ? undefined : Number(v) / 1000);

describe('row scopes on the cockpit', () => {
  it('states and history hold only entities in scope, without roll-ups over hidden members', async () => {
    const olga = await as('olga');
    const states = await olga<StatesResponse>('/api/states');
    const all = await open<StatesResponse>('/api/states');
    expect(states.system).toBeUndefined();
    expect(states.subsystems.map((s) => s.name).sort()).toEqual(OPS_HEALTH);
    const expected = all.components.filter((c) => OPS_HEALTH.includes(c.subsystem!));
    expect(expected.length).toBeGreaterThan(0);
    expect(states.components).toEqual(expected);
    for (const s of states.subsystems) expect(s).toEqual(all.subsystems.find((x) => x.name === s.name));

    const hist = await olga<StatesHistoryResponse>(`/api/states/history?${RANGE}`);
    const allHist = await open<StatesHistoryResponse>(`/api/states/history?${RANGE}`);
    expect(hist.transitions.length).toBeGreaterThan(0);
    expect(hist.transitions).toEqual(
      allHist.transitions.filter((t) => t.level !== 'system' && OPS_HEALTH.includes(t.subsystem!)),
    );

    // component != as-1: alarm-server (a roll-up over as-1) and the system are hidden, the rest shown
    const pat = await as('pat');
    const p = await pat<StatesResponse>('/api/states');
    expect(p.system).toBeUndefined();
    expect(p.components.map((c) => c.name)).not.toContain('as-1');
    expect(p.components.map((c) => c.name)).toContain('as-2');
    expect(p.subsystems.map((s) => s.name).sort()).toEqual(
      all.subsystems
        .map((s) => s.name)
        .filter((n) => n !== 'alarm-server')
        .sort(),
    );
  });

  it('availability holds only visible entities with their own numbers; an undecidable rule hides all', async () => {
    const olga = await as('olga');
    const av = await olga<AvailabilityResponse>(`/api/availability?${RANGE}`);
    const all = await open<AvailabilityResponse>(`/api/availability?${RANGE}`);
    expect(av.rows.some((r) => r.level === 'system')).toBe(false);
    expect(new Set(av.rows.map((r) => r.subsystem))).toEqual(new Set(OPS_HEALTH));
    expect(av.rows).toEqual(
      all.rows.filter((r) => r.level !== 'system' && OPS_HEALTH.includes(r.subsystem!)),
    );
    // recomputed from the stored intervals of one visible entity
    const [row] = await w.sim.warehouse.query(
      sql`select sum(least(to_us, ${TO_US}) - greatest(from_us, ${FROM_US})) as us from health_transitions
        where level = 'subsystem' and subsystem = 'console' and state = 'ok' and from_us < ${TO_US} and to_us > ${FROM_US}`,
    );
    const consoleRow = av.rows.find((r) => r.level === 'subsystem' && r.subsystem === 'console')!;
    expect(consoleRow.durationsMs.ok).toBe(Number(row?.us ?? 0) / 1000);
    // availability cannot test "state = ok" on an aggregate over states: fail closed
    const pat = await as('pat');
    expect((await pat<AvailabilityResponse>(`/api/availability?${RANGE}`)).rows).toEqual([]);
  });

  it('topology shows visible nodes and admitted edges with statistics from visible hops', async () => {
    const olga = await as('olga');
    const topo = await olga<TopologyResponse>(`/api/topology?${RANGE}`);
    expect(topo.nodes.map((n) => n.id).sort()).toEqual([...OPS_EVENTS].sort());
    expect(topo.edges.map((e) => `${e.from}>${e.to}`).sort()).toEqual([
      'alarm-server>console',
      'alarm-server>video',
    ]);
    const hops = await w.sim.warehouse.query(
      sql`select flow, from_step, to_step, from_component, to_component, latency_us, root_us from flow_hops where root_us >= ${FROM_US} and root_us < ${TO_US}`,
    );
    for (const e of topo.edges) {
      const mine = hops.filter(
        (h) =>
          subsystemOf(String(h.flow), String(h.from_step)) === e.from &&
          subsystemOf(String(h.flow), String(h.to_step)) === e.to,
      );
      expect(mine.length, `${e.from}>${e.to}`).toBeGreaterThan(0);
      expect(e.count).toBe(mine.length);
      const last = Math.max(...mine.map((h) => Number(h.root_us) + Number(h.latency_us)));
      expect(Date.parse(e.lastSeen!) * 1000).toBe(Math.floor(last / 1000) * 1000);
      const stepsFrom = [...new Set(mine.map((h) => String(h.from_step)))];
      const stepsTo = [...new Set(mine.map((h) => String(h.to_step)))];
      const [p] = await w.sim.warehouse.query(
        sql`select ${w.sim.warehouse.sqlDialect.quantile(sql.id('latency_us'), 0.95)} as p95 from flow_hops
          where root_us >= ${FROM_US} and root_us < ${TO_US} and from_step in (${sql.list(stepsFrom)}) and to_step in (${sql.list(stepsTo)})`,
      );
      expect(e.p95Ms).toBeCloseTo(q(p?.p95)!, 6);
    }
    for (const ce of topo.componentEdges) {
      expect(ce.fromSubsystem).toBe('alarm-server');
      expect(OPS_EVENTS).toContain(ce.toSubsystem);
    }
    const comps = topo.nodes.flatMap((n) => n.components);
    expect(comps.some((c) => c.startsWith('sc-') || c.startsWith('gw-'))).toBe(false);
  });

  it('a rule on a hop value keeps only edges with visible hops, counted from those hops', async () => {
    const pat = await as('pat');
    const topo = await pat<TopologyResponse>(`/api/topology?${RANGE}`);
    const hops = await w.sim.warehouse.query(
      sql`select flow, from_step, to_step, breach, latency_us, root_us from flow_hops where root_us >= ${FROM_US} and root_us < ${TO_US}`,
    );
    expect(hops.some((h) => h.breach === true)).toBe(true);
    const visible = new Map<string, number>();
    for (const h of hops) {
      const [from, to] = [
        subsystemOf(String(h.flow), String(h.from_step)),
        subsystemOf(String(h.flow), String(h.to_step)),
      ];
      if (h.breach !== true && from && to && from !== to)
        visible.set(`${from}>${to}`, (visible.get(`${from}>${to}`) ?? 0) + 1);
    }
    expect(visible.size).toBeGreaterThan(0);
    // declared edges cannot be admitted by a rule on breach alone: only edges with visible hops remain
    expect(Object.fromEntries(topo.edges.map((e) => [`${e.from}>${e.to}`, e.count]))).toEqual(
      Object.fromEntries(visible),
    );
    expect(topo.edges.every((e) => e.lost === 0 && e.lossRatio === undefined)).toBe(true);
  });

  it('flows, hops and alerts count only visible rows; hidden alerts and raw lines stay hidden', async () => {
    const olga = await as('olga');
    const flows = await olga<FlowsResponse>(`/api/flows?${RANGE}`);
    const alarm = flows.flows.find((f) => f.name === 'alarm')!;
    const direct = await w.sim.warehouse.query(
      sql`select state, count(*) as n from flow_alerts where flow = 'alarm' and root_us >= ${FROM_US} and root_us < ${TO_US} group by state`,
    );
    const want = Object.fromEntries(
      direct.filter((r) => ['complete', 'lost'].includes(String(r.state))).map((r) => [r.state, Number(r.n)]),
    );
    expect(want.complete).toBeGreaterThan(0);
    expect(alarm.counts).toEqual(want);
    expect(direct.some((r) => !['complete', 'lost'].includes(String(r.state)))).toBe(true);
    // e2e spans the sensor and gateway steps olga may not see: no percentiles
    expect(alarm.e2e).toEqual({});

    const hops = await olga<FlowHopsResponse>(`/api/flows/alarm/hops?${RANGE}`);
    expect(hops.hops.length).toBeGreaterThan(0);
    for (const h of hops.hops) expect(['video', 'console']).toContain(subsystemOf('alarm', h.to));
    // flow_hops admits hops into video and console; events admits both ends' subsystems
    const stepsIn = (subs: string[]) =>
      w.flows[0]!.steps.filter((s) => subs.includes(String(s.match.subsystem))).map((s) => s.name);
    const [n] = await w.sim.warehouse.query(
      sql`select count(*) as n from flow_hops where flow = 'alarm' and root_us >= ${FROM_US} and root_us < ${TO_US}
        and to_step in (${sql.list(stepsIn(['video', 'console']))}) and from_step in (${sql.list(stepsIn(OPS_EVENTS))})`,
    );
    expect(hops.hops.reduce((a, h) => a + h.count, 0)).toBe(Number(n?.n));

    const alerts = await olga<FlowAlertsResponse>(`/api/flows/alarm/alerts?${RANGE}&limit=1000`);
    expect(alerts.total).toBe((want.complete ?? 0) + (want.lost ?? 0));
    expect(alerts.rows.every((a) => ['complete', 'lost'].includes(a.state))).toBe(true);
    const hidden = await w.sim.warehouse.query(
      sql`select root from flow_alerts where flow = 'alarm' and state not in ('complete', 'lost') limit 1`,
    );
    await olga(`/api/flows/alarm/alerts/${encodeURIComponent(String(hidden[0]!.root))}`, 404);
    const one = await olga<FlowAlertResponse>(
      `/api/flows/alarm/alerts/${encodeURIComponent(alerts.rows[0]!.root)}`,
    );
    const shown = one.steps.filter((s) => s.event);
    expect(shown.length).toBeGreaterThan(0);
    for (const s of shown) expect(OPS_EVENTS).toContain(s.event!.subsystem);
    // steps in subsystems outside the events scope (sensors, gateway) are hidden whole
    expect(one.steps.some((s) => s.hidden)).toBe(true);
    for (const s of one.steps) {
      const inScope = OPS_EVENTS.includes(subsystemOf('alarm', s.step)!);
      if (s.hidden) expect(inScope, s.step).toBe(false);
      if (!inScope)
        expect([s.ts, s.component, s.event, s.latencyMs], s.step).toEqual([
          undefined,
          undefined,
          undefined,
          undefined,
        ]);
    }
    const listed = alerts.rows.flatMap((a) => a.steps);
    expect(listed.length).toBeGreaterThan(0);
    for (const s of listed) {
      expect(OPS_EVENTS, s.step).toContain(subsystemOf('alarm', s.step));
      expect(s.component, s.step).toBeDefined();
    }
    expect(alerts.rows.some((a) => a.hiddenSteps?.length)).toBe(true);

    // a scope no alert of a flow can pass: the flow is not listed and not found
    const pat = await as('pat');
    expect((await pat<FlowsResponse>(`/api/flows?${RANGE}`)).flows).toEqual([]);
    await pat('/api/flows/alarm/hops', 404);
  });

  it('an admin sees exactly what an unrestricted server answers', async () => {
    const ada = await as('ada');
    for (const path of [
      `/api/topology?${RANGE}`,
      '/api/states',
      `/api/states/history?${RANGE}`,
      `/api/availability?${RANGE}`,
      `/api/flows?${RANGE}`,
      `/api/flows/alarm/hops?${RANGE}`,
      `/api/flows/alarm/alerts?${RANGE}&limit=200`,
    ])
      expect(await ada(path), path).toEqual(await open(path));
  });
});
