// Component-level scopes on the topology, over HTTP with real sign-in on a real DuckDB file of
// simulated data: a role that may see only some components of a subsystem gets neither the hidden
// components nor their edges, its subsystem edges count only hops between visible components, loss
// and silent edges it cannot decide are left out, and an admin still sees everything.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TopologyResponse } from '../../src/api/types.ts';
import { sql } from '../../src/warehouse/sql.ts';
import { ALL_TIME } from '../reports/fixture.ts';
import { type AccessWorld, accessWorld } from './signed-in-world.ts';

const [FROM, TO] = ALL_TIME.split('..') as [string, string];
const RANGE = `from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}`;
const FROM_US = Date.parse(FROM) * 1000;
const TO_US = Date.parse(TO) * 1000;

let aw: AccessWorld;
let hops: { fs?: string; ts?: string; fc: string; tc: string; latency_us: number; root_us: number }[];

beforeAll(async () => {
  aw = await accessWorld(
    'mortar-component-scopes-',
    `    pair:
      permissions: [view_cockpit]
      scopes:
        events: ["subsystem = video"]
        health_history: ["component not in [as-2, op-console-2]"]
    site:
      permissions: [view_cockpit]
      scopes:
        events: ["component in [{user.server}, {user.console}]"]
        health_history: ["component in [{user.server}, {user.console}]"]
    edges-as1:
      permissions: [view_cockpit]
      scopes:
        topology_edges: ["from_component = as-1"]
`,
    {
      ada: { roles: ['admin'] },
      paul: { roles: ['pair'] },
      sid: { roles: ['site'], attrs: { server: 'as-1', console: 'op-console-1' } },
      nob: { roles: ['site'] },
      eve: { roles: ['edges-as1'] },
    },
  );
  const subsystemOf = (flow: string, step: string) => {
    const s = aw.w.flows.find((f) => f.name === flow)?.steps.find((x) => x.name === step)?.match.subsystem;
    return typeof s === 'string' ? s : undefined;
  };
  const rows = await aw.w.sim.warehouse.query(
    sql`select flow, from_step, to_step, from_component, to_component, latency_us, root_us from flow_hops
      where root_us >= ${FROM_US} and root_us < ${TO_US}`,
  );
  hops = rows.map((h) => ({
    fs: subsystemOf(String(h.flow), String(h.from_step)),
    ts: subsystemOf(String(h.flow), String(h.to_step)),
    fc: String(h.from_component),
    tc: String(h.to_component),
    latency_us: Number(h.latency_us),
    root_us: Number(h.root_us),
  }));
}, 240_000);

afterAll(async () => {
  await aw?.close();
});

/** Subsystem edges recomputed from the stored hops whose two end components pass `shown`. */
function expectedEdges(shown: (sub: string, comp: string) => boolean) {
  const out = new Map<string, { count: number; last: number }>();
  for (const h of hops) {
    if (!h.fs || !h.ts || h.fs === h.ts || !shown(h.fs, h.fc) || !shown(h.ts, h.tc)) continue;
    const k = `${h.fs}>${h.ts}`;
    const e = out.get(k) ?? { count: 0, last: 0 };
    e.count++;
    e.last = Math.max(e.last, h.root_us + h.latency_us);
    out.set(k, e);
  }
  return out;
}

const key = (e: { from: string; to: string }) => `${e.from}>${e.to}`;

describe('component scopes on the topology', () => {
  it('a role hiding some components of visible subsystems: no hidden component, edge or hop counted', async () => {
    const HIDDEN = ['as-2', 'op-console-2'];
    const all = await (await aw.as('ada')).json<TopologyResponse>(`/api/topology?${RANGE}`);
    const topo = await (await aw.as('paul')).json<TopologyResponse>(`/api/topology?${RANGE}`);
    // the hidden components carried traffic, so leaving them out changes the numbers
    expect(hops.some((h) => HIDDEN.includes(h.fc) || HIDDEN.includes(h.tc))).toBe(true);
    expect(all.nodes.flatMap((n) => n.components)).toEqual(expect.arrayContaining(HIDDEN));

    // every subsystem stays (health admits each at subsystem level), with the hidden components removed
    expect(topo.nodes).toEqual(
      all.nodes.map((n) => ({ ...n, components: n.components.filter((c) => !HIDDEN.includes(c)) })),
    );
    for (const ce of topo.componentEdges) {
      expect(HIDDEN, `${ce.from}>${ce.to}`).not.toContain(ce.from);
      expect(HIDDEN, `${ce.from}>${ce.to}`).not.toContain(ce.to);
    }
    const visibleCE = all.componentEdges.filter((e) => !HIDDEN.includes(e.from) && !HIDDEN.includes(e.to));
    expect(visibleCE.length).toBeGreaterThan(0);
    expect(topo.componentEdges.map((e) => [e.from, e.to, e.count]).sort()).toEqual(
      visibleCE.map((e) => [e.from, e.to, e.count]).sort(),
    );

    // subsystem edges: only those with hops between visible components, counted from those hops
    const want = expectedEdges((_, c) => !HIDDEN.includes(c));
    expect(want.size).toBeGreaterThan(0);
    expect(Object.fromEntries(topo.edges.map((e) => [key(e), e.count]))).toEqual(
      Object.fromEntries([...want].map(([k, v]) => [k, v.count])),
    );
    for (const e of topo.edges)
      expect(Date.parse(e.lastSeen!) * 1000, key(e)).toBe(Math.floor(want.get(key(e))!.last / 1000) * 1000);
    const fewer = topo.edges.filter((e) => e.count < all.edges.find((a) => key(a) === key(e))!.count);
    // exactly the edges that hidden components took part in lose those hops
    const touched = new Set(
      hops
        .filter((h) => h.fs !== h.ts && (HIDDEN.includes(h.fc) || HIDDEN.includes(h.tc)))
        .map((h) => `${h.fs}>${h.ts}`),
    );
    expect(touched.size).toBeGreaterThan(0);
    expect(fewer.map(key).sort()).toEqual([...touched].sort());
    // no end is whole (each has a rule on component), so loss cannot be attributed: none is shown
    expect(topo.edges.every((e) => e.lost === 0 && e.lossRatio === undefined)).toBe(true);
  });

  it('a role admitting components by user attributes sees just those components and the edges between them', async () => {
    const MINE = ['as-1', 'op-console-1'];
    const topo = await (await aw.as('sid')).json<TopologyResponse>(`/api/topology?${RANGE}`);
    expect(topo.nodes.map((n) => [n.id, n.components])).toEqual([
      ['alarm-server', ['as-1']],
      ['console', ['op-console-1']],
    ]);
    const want = expectedEdges((_, c) => MINE.includes(c));
    expect(want.get('alarm-server>console')?.count).toBeGreaterThan(0);
    expect(Object.fromEntries(topo.edges.map((e) => [key(e), e.count]))).toEqual(
      Object.fromEntries([...want].map(([k, v]) => [k, v.count])),
    );
    expect(topo.componentEdges.length).toBeGreaterThan(0);
    for (const ce of topo.componentEdges) expect(MINE).toEqual(expect.arrayContaining([ce.from, ce.to]));
    expect(topo.componentEdges.reduce((a, e) => a + e.count, 0)).toBe(
      [...want.values()].reduce((a, e) => a + e.count, 0),
    );

    // the same role without the attributes: nothing (fail closed)
    const none = await (await aw.as('nob')).json<TopologyResponse>(`/api/topology?${RANGE}`);
    expect([none.nodes, none.edges, none.componentEdges]).toEqual([[], [], []]);
  });

  it('a topology_edges rule on a component keeps only the hops it admits, in both edge levels', async () => {
    const all = await (await aw.as('ada')).json<TopologyResponse>(`/api/topology?${RANGE}`);
    const topo = await (await aw.as('eve')).json<TopologyResponse>(`/api/topology?${RANGE}`);
    // events and health are unrestricted: every node and component is listed
    expect(topo.nodes).toEqual(all.nodes);
    const want = new Map<string, { count: number }>();
    for (const h of hops.filter((x) => x.fc === 'as-1' && x.fs && x.ts && x.fs !== x.ts))
      want.set(`${h.fs}>${h.ts}`, { count: (want.get(`${h.fs}>${h.ts}`)?.count ?? 0) + 1 });
    expect(want.size).toBeGreaterThan(0);
    // declared edges without admitted hops are not claimed silent; no loss (undecidable on a component)
    expect(Object.fromEntries(topo.edges.map((e) => [key(e), [e.count, e.lost]]))).toEqual(
      Object.fromEntries([...want].map(([k, v]) => [k, [v.count, 0]])),
    );
    expect(topo.componentEdges.length).toBeGreaterThan(0);
    expect(topo.componentEdges.every((e) => e.from === 'as-1')).toBe(true);
    expect(topo.componentEdges.map((e) => [e.from, e.to, e.count]).sort()).toEqual(
      all.componentEdges
        .filter((e) => e.from === 'as-1')
        .map((e) => [e.from, e.to, e.count])
        .sort(),
    );
  });

  it('an admin sees exactly what an unrestricted server answers', async () => {
    const ada = await aw.as('ada');
    const path = `/api/topology?${RANGE}`;
    const open = (await (await aw.w.app.request(path)).json()) as TopologyResponse;
    expect(open.nodes.flatMap((n) => n.components)).toEqual(expect.arrayContaining(['as-2', 'op-console-2']));
    expect(await ada.json<TopologyResponse>(path)).toEqual(open);
  });
});
