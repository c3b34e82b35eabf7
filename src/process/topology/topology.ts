// Topology: declared edges (configuration) beside the edges observed in the data — every hop of
// every flow crosses from one component (and subsystem) to another — with rate, latency
// percentiles, loss and last seen, and the difference: declared but silent, observed but undeclared.

import type { Config } from '../../config/load.ts';
import { usToIso } from '../../events/time.ts';
import { hasTable } from '../../warehouse/hasTable.ts';
import { type Sql, sql } from '../../warehouse/sql.ts';
import type { Warehouse } from '../../warehouse/warehouse.ts';
import type { FlowDef } from '../flows/definition.ts';
import { acceptedLinks } from '../links/link-decisions.ts';

export interface TopologyEdge {
  from: string;
  to: string;
  declared: boolean;
  observed: boolean;
  /** ok: declared and seen; silent: declared but no traffic in the range (a possible outage); undeclared: seen but not declared (drift). */
  status: 'ok' | 'silent' | 'undeclared';
  /** Alerts that crossed this edge in the range. */
  count: number;
  p50Ms?: number;
  p95Ms?: number;
  /** Alerts lost on this edge / (crossed + lost). */
  lossRatio?: number;
  lost: number;
  lastSeen?: string;
  description?: string;
  /** Accepted on the Links page (an inferred link): counts as declared. */
  accepted?: boolean;
  /** Observed through identifiers shared between the two subsystems (accepted links). */
  sharedIds?: { key: string; values: number; p50Ms?: number };
}

/** GET /api/topology?from&to: subsystems and components, declared and observed edges. */
export interface TopologyResponse {
  from: string;
  to: string;
  nodes: { id: string; declared: boolean; components: string[] }[];
  edges: TopologyEdge[];
  /** The same at component level (observed only). */
  componentEdges: {
    from: string;
    to: string;
    fromSubsystem: string;
    toSubsystem: string;
    count: number;
    p95Ms?: number;
    lastSeen?: string;
  }[];
}

const ms = (us: unknown) => (us === null || us === undefined ? undefined : Number(us) / 1000);

/** A component edge from a grouped hop row (fc, tc, fs, ts, n, p95, last), as topology and its scoped view build it. */
export const componentEdgeOf = (r: Record<string, unknown>): TopologyResponse['componentEdges'][number] => ({
  from: String(r.fc),
  to: String(r.tc),
  fromSubsystem: String(r.fs),
  toSubsystem: String(r.ts),
  count: Number(r.n),
  p95Ms: ms(r.p95),
  lastSeen: usToIso(Number(r.last)),
});

/** `case <column> when step then subsystem ... end` for every flow step with one subsystem. */
function stepSubsystem(flows: FlowDef[], column: string): Sql {
  const whens = flows.flatMap((f) =>
    f.steps
      .filter((s) => typeof s.match.subsystem === 'string')
      .map(
        (s) =>
          sql`when flow = ${f.name} and ${sql.id(column)} = ${s.name} then ${s.match.subsystem as string}`,
      ),
  );
  return whens.length ? sql`case ${sql.join(whens, sql` `)} end` : sql`cast(null as varchar)`;
}

export async function topology(
  warehouse: Warehouse,
  config: Config,
  flows: FlowDef[],
  fromUs: number,
  toUs: number,
): Promise<TopologyResponse> {
  const d = warehouse.sqlDialect;
  const ready = await hasTable(warehouse, 'flow_hops');
  const inRange = sql`root_us >= ${fromUs} and root_us < ${toUs}`;
  const [fs, ts] = [stepSubsystem(flows, 'from_step'), stepSubsystem(flows, 'to_step')];
  const observed = ready
    ? await warehouse.query(
        sql`select fs, ts, count(*) as n, ${d.quantile(sql.id('latency_us'), 0.5)} as p50, ${d.quantile(sql.id('latency_us'), 0.95)} as p95, max(root_us + latency_us) as last
          from (select ${fs} as fs, ${ts} as ts, latency_us, root_us from ${sql.id('flow_hops')} where ${inRange}) as h
          where fs is not null and ts is not null and fs <> ts group by fs, ts`,
      )
    : [];
  const components = ready
    ? await warehouse.query(
        sql`select from_component as fc, to_component as tc, fs, ts, count(*) as n, ${d.quantile(sql.id('latency_us'), 0.95)} as p95, max(root_us + latency_us) as last
          from (select from_component, to_component, ${fs} as fs, ${ts} as ts, latency_us, root_us from ${sql.id('flow_hops')} where ${inRange}) as h
          where fs is not null and ts is not null and fs <> ts group by from_component, to_component, fs, ts
          order by fs, from_component, ts, to_component`,
      )
    : [];
  // A lost alert is lost on the edge into its first missing step.
  const parentOf = new Map<string, string>();
  for (const f of flows)
    for (const s of f.steps)
      if (s.parent !== undefined) parentOf.set(`${f.name}|${s.name}`, f.steps[s.parent]!.name);
  const lostRows = ready
    ? await warehouse.query(
        sql`select flow, missing, count(*) as n from ${sql.id('flow_alerts')} where ${inRange} and state = 'lost' group by flow, missing`,
      )
    : [];
  const subsystemOfStep = new Map<string, string>();
  for (const f of flows)
    for (const s of f.steps)
      if (typeof s.match.subsystem === 'string')
        subsystemOfStep.set(`${f.name}|${s.name}`, s.match.subsystem);
  const lostByEdge = new Map<string, number>();
  for (const r of lostRows) {
    const to = subsystemOfStep.get(`${r.flow}|${r.missing}`);
    const parent = parentOf.get(`${r.flow}|${r.missing}`);
    const from = parent === undefined ? undefined : subsystemOfStep.get(`${r.flow}|${parent}`);
    if (from && to && from !== to)
      lostByEdge.set(`${from}|${to}`, (lostByEdge.get(`${from}|${to}`) ?? 0) + Number(r.n));
  }

  const edges = new Map<string, TopologyEdge>();
  for (const e of config.edges) {
    edges.set(`${e.from}|${e.to}`, {
      from: e.from,
      to: e.to,
      declared: true,
      observed: false,
      status: 'silent',
      count: 0,
      lost: 0,
      description: e.description,
    });
  }
  for (const r of observed) {
    const key = `${r.fs}|${r.ts}`;
    const edge = edges.get(key) ?? {
      from: String(r.fs),
      to: String(r.ts),
      declared: false,
      observed: true,
      status: 'undeclared' as const,
      count: 0,
      lost: 0,
    };
    Object.assign(edge, {
      observed: true,
      status: edge.declared ? 'ok' : 'undeclared',
      count: Number(r.n),
      p50Ms: ms(r.p50),
      p95Ms: ms(r.p95),
      lastSeen: usToIso(Number(r.last)),
    });
    edges.set(key, edge);
  }
  // Accepted inferred links join the declared edges, and their shared ids are an observation.
  for (const a of await acceptedLinks(warehouse)) {
    const key = `${a.from}|${a.to}`;
    const edge = edges.get(key) ?? {
      from: a.from,
      to: a.to,
      declared: true,
      observed: false,
      status: 'silent' as const,
      count: 0,
      lost: 0,
      description: `accepted inferred link (${a.fromField} → ${a.toField})`,
    };
    edge.declared = true;
    edge.accepted = true;
    if (a.shared > 0) {
      edge.observed = true;
      edge.sharedIds = { key: `${a.fromField} → ${a.toField}`, values: a.shared, p50Ms: a.p50Ms };
    }
    edge.status = edge.observed ? 'ok' : 'silent';
    edges.set(key, edge);
  }
  for (const [key, lost] of lostByEdge) {
    const edge = edges.get(key);
    if (edge) {
      edge.lost = lost;
      edge.lossRatio = lost / (edge.count + lost);
    }
  }
  const nodeNames = new Set([
    ...Object.keys(config.subsystems),
    ...[...edges.values()].flatMap((e) => [e.from, e.to]),
  ]);
  const componentsOf = new Map<string, Set<string>>();
  for (const [name, s] of Object.entries(config.subsystems))
    componentsOf.set(name, new Set(s.components ?? []));
  for (const r of components) {
    componentsOf.get(String(r.fs))?.add(String(r.fc)) ??
      componentsOf.set(String(r.fs), new Set([String(r.fc)]));
    componentsOf.get(String(r.ts))?.add(String(r.tc)) ??
      componentsOf.set(String(r.ts), new Set([String(r.tc)]));
  }
  return {
    from: usToIso(fromUs),
    to: usToIso(toUs),
    nodes: [...nodeNames].sort().map((id) => ({
      id,
      declared: id in config.subsystems,
      components: [...(componentsOf.get(id) ?? [])].sort(),
    })),
    edges: [...edges.values()].sort((a, b) => `${a.from}|${a.to}`.localeCompare(`${b.from}|${b.to}`)),
    componentEdges: components.map(componentEdgeOf),
  };
}
