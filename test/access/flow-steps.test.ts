// Steps of hidden subsystems inside visible alerts: a user whose `events` scope admits only sensors
// and gateway may see the alarm flow's alerts and hops (flow_alerts and flow_hops scoped to that
// flow), but never the time, component, event id, raw line or hop latency of a step in another
// subsystem, nor an end-to-end latency spanning one; an admin sees all of it. Over HTTP with real
// sign-in on a real DuckDB world; expected values come from direct SQL and the flow definitions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  FlowAlertResponse,
  FlowAlertsResponse,
  FlowHopsResponse,
  FlowsResponse,
} from '../../src/api/types.ts';
import { sql } from '../../src/warehouse/sql.ts';
import { ALL_TIME } from '../reports/fixture.ts';
import { type AccessWorld, accessWorld } from './signed-in-world.ts';

const [FROM, TO] = ALL_TIME.split('..') as [string, string];
const RANGE = `from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}`;
const FROM_US = Date.parse(FROM) * 1000;
const TO_US = Date.parse(TO) * 1000;
const SEEN = ['sensors', 'gateway'];

let aw: AccessWorld;

beforeAll(async () => {
  aw = await accessWorld(
    'mortar-flow-steps-',
    `    edge:
      permissions: [view_cockpit, view_raw]
      scopes:
        events: ["subsystem in [sensors, gateway]"]
        flow_alerts: ["flow = alarm"]
        flow_hops: ["flow = alarm"]
    info:
      permissions: [view_cockpit, view_raw]
      scopes:
        events: ["severity = info"]
`,
    { ada: { roles: ['admin'] }, eve: { roles: ['edge'] }, ivy: { roles: ['info'] } },
  );
}, 120_000);

afterAll(async () => {
  await aw?.close();
});

const subsystemOf = (step: string) => {
  const s = aw.w.flows.find((f) => f.name === 'alarm')!.steps.find((x) => x.name === step)?.match.subsystem;
  return typeof s === 'string' ? s : undefined;
};
const visible = (step: string) => SEEN.includes(subsystemOf(step) ?? '');
const parentOf = (step: string) => {
  const f = aw.w.flows.find((x) => x.name === 'alarm')!;
  const s = f.steps.find((x) => x.name === step)!;
  return s.parent === undefined ? undefined : f.steps[s.parent]!.name;
};

describe('steps of hidden subsystems inside visible alerts', () => {
  it('the alert detail names no time, component, event, latency or e2e of a hidden step', async () => {
    expect(aw.w.flows.find((f) => f.name === 'alarm')!.steps.some((s) => !visible(s.name))).toBe(true);
    const ada = await aw.as('ada');
    const eve = await aw.as('eve');
    const list = await ada.json<FlowAlertsResponse>(`/api/flows/alarm/alerts?${RANGE}&limit=25`);
    expect(list.rows.length).toBeGreaterThan(0);
    let hiddenSteps = 0;
    let shownSteps = 0;
    for (const a of list.rows) {
      const path = `/api/flows/alarm/alerts/${encodeURIComponent(a.root)}`;
      const full = await ada.json<FlowAlertResponse>(path);
      const res = await eve.get(path);
      expect(res.status).toBe(200);
      const text = await res.text();
      const mine = JSON.parse(text) as FlowAlertResponse;
      expect(mine.state).toBe(full.state);
      expect(mine.start).toBe(full.start);
      for (const [i, s] of mine.steps.entries()) {
        const admin = full.steps[i]!;
        expect(s.step).toBe(admin.step);
        if (admin.ts === undefined) {
          expect(s.ts, s.step).toBeUndefined(); // never happened: nothing to hide
          continue;
        }
        if (visible(s.step)) {
          shownSteps++;
          expect(s.ts).toBe(admin.ts);
          expect(s.component).toBe(admin.component);
          expect(s.hidden).toBeUndefined();
          const p = parentOf(s.step);
          // a hop latency only between two shown steps
          if (p && !visible(p)) expect(s.latencyMs).toBeUndefined();
          else expect(s.latencyMs).toBe(admin.latencyMs);
        } else {
          hiddenSteps++;
          // the admin sees what the restricted user does not
          expect(admin.component).toBeDefined();
          expect(admin.event?.id).toBeDefined();
          expect(s).toEqual({ step: s.step, slaMs: admin.slaMs, hidden: true });
          expect(text).not.toContain(admin.event!.id);
          expect(text).not.toContain(`"${admin.ts}"`);
        }
      }
      for (const s of mine.steps) if (s.event) expect(SEEN).toContain(s.event.subsystem);
      if (mine.steps.some((s) => s.hidden)) expect(mine.e2eMs).toBeUndefined();
    }
    expect(hiddenSteps).toBeGreaterThan(0);
    expect(shownSteps).toBeGreaterThan(0);
  });

  it('the alert list holds only shown steps and names the hidden ones', async () => {
    const ada = await aw.as('ada');
    const eve = await aw.as('eve');
    const path = `/api/flows/alarm/alerts?${RANGE}&limit=200`;
    const full = await ada.json<FlowAlertsResponse>(path);
    const res = await eve.get(path);
    expect(res.status).toBe(200);
    const text = await res.text();
    const mine = JSON.parse(text) as FlowAlertsResponse;
    expect(mine.total).toBe(full.total);
    expect(mine.rows.map((r) => r.root)).toEqual(full.rows.map((r) => r.root));
    let hidden = 0;
    for (const [i, r] of mine.rows.entries()) {
      const admin = full.rows[i]!;
      expect(r.steps).toEqual(admin.steps.filter((s) => visible(s.step)));
      const gone = admin.steps.filter((s) => !visible(s.step));
      hidden += gone.length;
      expect(r.hiddenSteps ?? []).toEqual(gone.map((s) => s.step));
      for (const s of gone) if (s.eventId) expect(text).not.toContain(s.eventId);
      expect(r.e2eMs).toBe(gone.length ? undefined : admin.e2eMs);
    }
    expect(hidden).toBeGreaterThan(0);
  });

  it('the hop table counts only hops between shown steps; flow e2e percentiles are hidden', async () => {
    const ada = await aw.as('ada');
    const eve = await aw.as('eve');
    const rows = await aw.w.sim.warehouse.query(
      sql`select from_step, to_step, count(*) as n, max(latency_us) as mx from flow_hops
        where flow = 'alarm' and root_us >= ${FROM_US} and root_us < ${TO_US} group by 1, 2`,
    );
    const want = rows.filter((r) => visible(String(r.from_step)) && visible(String(r.to_step)));
    expect(want.length).toBeGreaterThan(0);
    expect(want.length).toBeLessThan(rows.length);
    const hops = await eve.json<FlowHopsResponse>(`/api/flows/alarm/hops?${RANGE}`);
    expect(Object.fromEntries(hops.hops.map((h) => [`${h.from}>${h.to}`, [h.count, h.max]]))).toEqual(
      Object.fromEntries(
        want.map((r) => [`${r.from_step}>${r.to_step}`, [Number(r.n), Number(r.mx) / 1000]]),
      ),
    );
    for (const h of hops.hops) {
      expect(SEEN).toContain(subsystemOf(h.from));
      expect(SEEN).toContain(subsystemOf(h.to));
    }
    const all = await ada.json<FlowHopsResponse>(`/api/flows/alarm/hops?${RANGE}`);
    expect(all.hops.length).toBe(rows.length);

    const mine = (await eve.json<FlowsResponse>(`/api/flows?${RANGE}`)).flows;
    expect(mine.map((f) => f.name)).toEqual(['alarm']);
    expect(mine[0]!.e2e).toEqual({});
    const admin = (await ada.json<FlowsResponse>(`/api/flows?${RANGE}`)).flows.find(
      (f) => f.name === 'alarm',
    )!;
    expect(admin.e2e.p95).toBeGreaterThan(0);
    expect(mine[0]!.counts).toEqual(admin.counts);
  });

  it('a rule a step cannot be decided on (severity) hides every step and hop (fail closed)', async () => {
    const ivy = await aw.as('ivy');
    expect((await ivy.json<FlowHopsResponse>(`/api/flows/alarm/hops?${RANGE}`)).hops).toEqual([]);
    const list = await ivy.json<FlowAlertsResponse>(`/api/flows/alarm/alerts?${RANGE}&limit=20`);
    expect(list.rows.length).toBeGreaterThan(0);
    for (const r of list.rows) {
      expect(r.steps).toEqual([]);
      expect(r.hiddenSteps?.length).toBeGreaterThan(0);
      expect(r.e2eMs).toBeUndefined();
    }
    const one = await ivy.json<FlowAlertResponse>(
      `/api/flows/alarm/alerts/${encodeURIComponent(list.rows[0]!.root)}`,
    );
    expect(one.steps.every((s) => s.ts === undefined && s.event === undefined)).toBe(true);
    expect(one.steps.some((s) => s.hidden)).toBe(true);
  });
});
