// The topology as an identity may see it. Unrestricted identities get it unchanged. Otherwise:
// - a component is shown when the `events` or `health_history` scope admits it (subsystem and
//   component); a node (subsystem) is shown when one of them admits the subsystem alone (a rule on
//   another dimension does not admit it), or when one of its known components is shown;
// - a node is "whole" when the scopes admit it whatever the component (no rule on component for
//   it): then all its components are shown; otherwise only its shown components are listed;
// - a hop is visible when the `topology_edges` scope admits its row (in SQL, on any of its
//   dimensions, components included) and both its end components are shown; a component edge is
//   shown when it has visible hops, and a subsystem edge when both ends are shown and it has visible
//   hops, or (declared, accepted or silent edges) when the scope admits an edge row by its
//   subsystems alone and both ends are whole (a silent edge between partly hidden nodes may carry
//   traffic of hidden components, so it is not claimed silent);
// - edge and component-edge statistics (count, p50, p95, last seen) are recomputed in SQL from the
//   visible hops only, so a subsystem edge never counts hops of hidden components; a lost alert
//   counts toward loss only when `flow_alerts` admits it, `topology_edges` admits the hop it was lost
//   on (decided on flow, steps and subsystems; a rule on components cannot be decided for a hop that
//   never happened, so it is left out) and both ends are whole (its component is not known here);
// - the shared-id evidence of accepted links comes from events, not hops: kept only when the
//   `events` scope admits both subsystems by subsystem alone.
import type { Config } from '../config/load.ts';
import { usToIso } from '../events/time.ts';
import type { FlowDef } from '../process/flows/definition.ts';
import { componentEdgeOf, type TopologyEdge, type TopologyResponse } from '../process/topology/topology.ts';
import { datasets } from '../reports/datasets.ts';
import type { Identity } from '../reports/secure.ts';
import { hasTable } from '../warehouse/hasTable.ts';
import { type Sql, sql } from '../warehouse/sql.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import { cockpitFilter, valuesOf } from './cockpit-scopes.ts';
import { rowInScope } from './scopes.ts';

const ms = (us: unknown) => (us === null || us === undefined ? undefined : Number(us) / 1000);

export interface TopologyScopeInput {
  warehouse: Warehouse;
  config: Config;
  flows: FlowDef[];
  identity: Identity;
  fromUs: number;
  toUs: number;
}

export async function scopedTopology(
  full: TopologyResponse,
  { warehouse, flows, identity, fromUs, toUs }: TopologyScopeInput,
): Promise<TopologyResponse> {
  const edgeScope = identity.scopeOf('topology_edges');
  const eventScope = identity.scopeOf('events');
  const healthScope = identity.scopeOf('health_history');
  if (edgeScope.all && eventScope.all && healthScope.all) return full;
  const d = warehouse.sqlDialect;

  const componentShown = (s: string, c: string | undefined) =>
    rowInScope(eventScope, valuesOf({ subsystem: s, component: c })) ||
    rowInScope(healthScope, valuesOf({ level: 'component', subsystem: s, component: c }));
  // Admitted with the component left undecided: no rule on component for this subsystem.
  const whole = (s: string) => componentShown(s, undefined);
  const known = new Map(full.nodes.map((n) => [n.id, n.components]));
  const nodeShown = (s: string) =>
    whole(s) ||
    rowInScope(eventScope, valuesOf({ subsystem: s })) ||
    rowInScope(healthScope, valuesOf({ level: 'subsystem', subsystem: s, component: '' })) ||
    (known.get(s) ?? []).some((c) => componentShown(s, c));
  const shownNodes = full.nodes.map((n) => n.id).filter(nodeShown);

  const ready = await hasTable(warehouse, 'flow_hops');
  const hopFilter = cockpitFilter(identity, 'topology_edges', flows, d);
  const alertFilter = cockpitFilter(identity, 'flow_alerts', flows, d);
  const dims = datasets(flows).topology_edges!.dimensions;
  const fs = dims.from_subsystem!.expr({ d });
  const ts = dims.to_subsystem!.expr({ d });
  const visible: Sql = sql`root_us >= ${fromUs} and root_us < ${toUs}${hopFilter ? sql` and ${hopFilter}` : sql.empty}`;
  const hopsOf = (cols: Sql, group: Sql, shown: Sql = sql.empty) =>
    sql`select ${cols}, count(*) as n, ${d.quantile(sql.id('latency_us'), 0.5)} as p50, ${d.quantile(sql.id('latency_us'), 0.95)} as p95, max(root_us + latency_us) as last
      from (select t.from_component as fc, t.to_component as tc, ${fs} as fs, ${ts} as ts, t.latency_us, t.root_us from ${sql.id('flow_hops')} as t where ${visible}) as h
      where fs is not null and ts is not null and fs <> ts${shown} group by ${group}`;
  const components = (
    ready ? await warehouse.query(hopsOf(sql`fc, tc, fs, ts`, sql`fc, tc, fs, ts`)) : []
  ).filter(
    (r) =>
      nodeShown(String(r.fs)) &&
      nodeShown(String(r.ts)) &&
      componentShown(String(r.fs), (r.fc as string | null) ?? undefined) &&
      componentShown(String(r.ts), (r.tc as string | null) ?? undefined),
  );
  // Subsystem edges aggregate hops, so they are computed from hops whose end components are shown:
  // for a node that is not whole, an allow-list of its shown components (one added since the full
  // topology was read is not on it, so it stays out).
  const shownOf = new Map(shownNodes.map((s) => [s, new Set<string>()]));
  for (const [s, comps] of known) for (const c of comps) if (componentShown(s, c)) shownOf.get(s)?.add(c);
  for (const r of components) {
    if (typeof r.fc === 'string') shownOf.get(String(r.fs))?.add(r.fc);
    if (typeof r.tc === 'string') shownOf.get(String(r.ts))?.add(r.tc);
  }
  const endShown = (sub: string, comp: string) => {
    const parts = shownNodes.map((s) => {
      if (whole(s)) return sql`${sql.id(sub)} = ${s}`;
      const comps = [...shownOf.get(s)!];
      return comps.length
        ? sql`(${sql.id(sub)} = ${s} and ${sql.id(comp)} in (${sql.list(comps)}))`
        : sql`1 = 0`;
    });
    return parts.length ? sql`(${sql.join(parts, sql` or `)})` : sql`1 = 0`;
  };
  const shownHops = shownNodes.every(whole)
    ? sql.empty
    : sql` and ${endShown('fs', 'fc')} and ${endShown('ts', 'tc')}`;
  const observed = ready ? await warehouse.query(hopsOf(sql`fs, ts`, sql`fs, ts`, shownHops)) : [];

  // Lost alerts (visible by flow_alerts) on the hop into their first missing step.
  const lostRows = ready
    ? await warehouse.query(
        sql`select flow, missing, count(*) as n from ${sql.id('flow_alerts')} as t where root_us >= ${fromUs} and root_us < ${toUs} and state = 'lost'${alertFilter ? sql` and ${alertFilter}` : sql.empty} group by flow, missing`,
      )
    : [];
  const lostByEdge = new Map<string, number>();
  for (const r of lostRows) {
    const f = flows.find((x) => x.name === r.flow);
    const step = f?.steps.find((s) => s.name === r.missing);
    const parent = step?.parent === undefined ? undefined : f!.steps[step.parent];
    const from = parent?.match.subsystem;
    const to = step?.match.subsystem;
    if (typeof from !== 'string' || typeof to !== 'string' || from === to) continue;
    const hop = valuesOf({
      flow: f!.name,
      from_step: parent!.name,
      to_step: step!.name,
      hop: `${parent!.name} → ${step!.name}`,
      from_subsystem: from,
      to_subsystem: to,
    });
    if (!rowInScope(edgeScope, hop) || !whole(from) || !whole(to)) continue;
    lostByEdge.set(`${from}|${to}`, (lostByEdge.get(`${from}|${to}`) ?? 0) + Number(r.n));
  }

  const seen = new Map(observed.map((r) => [`${r.fs}|${r.ts}`, r]));
  const edges: TopologyEdge[] = [];
  for (const e of full.edges) {
    if (!nodeShown(e.from) || !nodeShown(e.to)) continue;
    const key = `${e.from}|${e.to}`;
    const row = seen.get(key);
    const admitted = rowInScope(edgeScope, valuesOf({ from_subsystem: e.from, to_subsystem: e.to }));
    if (!row && !(e.declared && admitted && whole(e.from) && whole(e.to))) continue;
    const shared =
      e.sharedIds &&
      admitted &&
      rowInScope(eventScope, valuesOf({ subsystem: e.from })) &&
      rowInScope(eventScope, valuesOf({ subsystem: e.to }))
        ? e.sharedIds
        : undefined;
    const observedNow = row !== undefined || shared !== undefined;
    const count = row ? Number(row.n) : 0;
    const lost = lostByEdge.get(key) ?? 0;
    edges.push({
      from: e.from,
      to: e.to,
      declared: e.declared,
      observed: observedNow,
      status: e.declared ? (observedNow ? 'ok' : 'silent') : 'undeclared',
      count,
      p50Ms: row ? ms(row.p50) : undefined,
      p95Ms: row ? ms(row.p95) : undefined,
      lost,
      lossRatio: lost > 0 ? lost / (count + lost) : undefined,
      lastSeen: row ? usToIso(Number(row.last)) : undefined,
      description: e.description,
      accepted: e.accepted,
      sharedIds: shared,
    });
  }

  const componentEdges = components.map(componentEdgeOf);
  const nodes = full.nodes
    .filter((n) => nodeShown(n.id))
    .map((n) => {
      const viaEdges = componentEdges.flatMap((e) => [
        ...(e.fromSubsystem === n.id ? [e.from] : []),
        ...(e.toSubsystem === n.id ? [e.to] : []),
      ]);
      const comps = new Set([...n.components.filter((c) => componentShown(n.id, c)), ...viaEdges]);
      return { ...n, components: [...comps].sort() };
    });
  return { ...full, nodes, edges, componentEdges };
}
