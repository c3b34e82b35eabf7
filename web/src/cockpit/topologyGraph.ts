// Turns GET /api/topology into the map's model: nodes with their sizes (known before rendering, so the
// layout can run at once) and edges with their status, weight and label, at subsystem level or at
// component level (components inside their subsystem, joined by the observed component edges; a
// declared edge without traffic stays visible between the subsystems). Node order follows the alarm
// path (sources first, then breadth-first along the edges), which the layout uses to read left to right.
import type { TopologyEdge, TopologyResponse } from '../../../src/api/types.ts';
import { formatMs, formatPercent } from '../lib/format.ts';
import { sortSubsystems } from '../lib/subsystemColor.ts';
import { type MapLevel, selectId } from './cockpitQuery.ts';

export type EdgeStatus = TopologyEdge['status'];

export interface MapNodeModel {
  /** Also the selection id (`n:`, `k:`). */
  id: string;
  kind: 'subsystem' | 'group' | 'component';
  name: string;
  subsystem: string;
  /** A subsystem's components (all of them, declared or observed). */
  components: string[];
  declared: boolean;
  /** The group a component sits in. */
  parent?: string;
  /** Size; for a group the least it needs (the layout fits it around its components). */
  width: number;
  height: number;
}

export interface MapEdgeModel {
  /** Also the selection id (`e:`, `c:`). */
  id: string;
  source: string;
  target: string;
  status: EdgeStatus;
  count: number;
  p95Ms?: number;
  lossRatio?: number;
  lost: number;
  label: string;
  labelWidth: number;
  labelHeight: number;
  /** A component edge's subsystem edge (its selection id), highlighted with it. */
  parent?: string;
}

export interface MapModel {
  nodes: MapNodeModel[];
  edges: MapEdgeModel[];
  /** Changes only when the layout must change (elements or sizes), not with the numbers. */
  layoutKey: string;
  maxCount: number;
}

const CHAR = 6.7; // width of one character of the 11 px monospace chips
const NODE_WIDTH = 188;
const NODE_INNER = NODE_WIDTH - 16 - 12 - 2;
/** Label boxes the layout keeps free: two lines (p95, loss) between subsystems, one between components. */
const LABEL = { full: { w: 92, h: 36 }, quiet: { w: 70, h: 22 }, short: { w: 84, h: 22 } };
const MAX_CHIPS = 9;

/** Width of a component chip on a subsystem node. */
export function chipWidth(name: string): number {
  return Math.ceil(name.length * CHAR) + 14;
}

/** The chips shown on a subsystem node (the rest summed up as "+N"). */
export function visibleChips(components: string[]): { shown: string[]; more: number } {
  if (components.length <= MAX_CHIPS) return { shown: components, more: 0 };
  return { shown: components.slice(0, MAX_CHIPS - 1), more: components.length - (MAX_CHIPS - 1) };
}

function subsystemNodeHeight(components: string[]): number {
  const { shown, more } = visibleChips(components);
  const widths = shown.map(chipWidth);
  if (more) widths.push(chipWidth(`+${more}`));
  let rows = 0;
  let used = Number.POSITIVE_INFINITY;
  for (const w of widths) {
    if (used + 4 + w > NODE_INNER) {
      rows++;
      used = w;
    } else used += 4 + w;
  }
  // padding 10 + name 20 + meta 16 + chips (8 above, 20 per row, 4 between) + padding 10 + border.
  return 10 + 38 + (rows ? 8 + rows * 20 + (rows - 1) * 4 : 0) + 10 + 2;
}

function componentNodeWidth(name: string): number {
  return Math.max(108, Math.ceil(name.length * CHAR) + 36);
}

/** Subsystems in alarm-path order: those nothing points at first, then breadth-first along the edges. */
export function pathOrder(names: string[], edges: { from: string; to: string }[]): string[] {
  const sorted = sortSubsystems(names);
  const indegree = new Map(sorted.map((n) => [n, 0]));
  for (const e of edges) if (e.from !== e.to) indegree.set(e.to, (indegree.get(e.to) ?? 0) + 1);
  const out = new Map<string, string[]>();
  for (const e of edges) out.set(e.from, [...(out.get(e.from) ?? []), e.to]);
  const order: string[] = [];
  const seen = new Set<string>();
  const queue = sorted.filter((n) => indegree.get(n) === 0);
  while (order.length < sorted.length) {
    if (queue.length === 0) queue.push(sorted.find((n) => !seen.has(n))!);
    const n = queue.shift()!;
    if (seen.has(n)) continue;
    seen.add(n);
    order.push(n);
    for (const next of sortSubsystems(out.get(n) ?? [])) if (!seen.has(next)) queue.push(next);
  }
  return order;
}

export function edgeLabel(e: Pick<TopologyEdge, 'status' | 'p95Ms' | 'lossRatio'>): string {
  if (e.status === 'silent' || e.p95Ms === undefined) return 'no alerts';
  return `p95 ${formatMs(e.p95Ms)} · ${formatPercent(e.lossRatio ?? 0)} lost`;
}

function labelOf(e: TopologyEdge): { label: string; labelWidth: number; labelHeight: number } {
  const box = e.status === 'silent' || e.p95Ms === undefined ? LABEL.quiet : LABEL.full;
  return { label: edgeLabel(e), labelWidth: box.w, labelHeight: box.h };
}

export function buildMapModel(topo: TopologyResponse, level: MapLevel): MapModel {
  const order = pathOrder(
    topo.nodes.map((n) => n.id),
    topo.edges,
  );
  const byId = new Map(topo.nodes.map((n) => [n.id, n]));
  const nodes: MapNodeModel[] = [];
  const edges: MapEdgeModel[] = [];

  if (level === 'subsystem') {
    for (const name of order) {
      const n = byId.get(name);
      const components = n?.components ?? [];
      nodes.push({
        id: selectId.subsystem(name),
        kind: 'subsystem',
        name,
        subsystem: name,
        components,
        declared: n?.declared ?? false,
        width: NODE_WIDTH,
        height: subsystemNodeHeight(components),
      });
    }
    for (const e of topo.edges) {
      edges.push({
        id: selectId.edge(e.from, e.to),
        source: selectId.subsystem(e.from),
        target: selectId.subsystem(e.to),
        status: e.status,
        count: e.count,
        p95Ms: e.p95Ms,
        lossRatio: e.lossRatio,
        lost: e.lost,
        ...labelOf(e),
      });
    }
  } else {
    const statusOf = new Map(topo.edges.map((e) => [`${e.from}|${e.to}`, e.status]));
    const componentsOf = new Map<string, Set<string>>();
    for (const name of order) componentsOf.set(name, new Set(byId.get(name)?.components ?? []));
    for (const c of topo.componentEdges) {
      componentsOf.get(c.fromSubsystem)?.add(c.from);
      componentsOf.get(c.toSubsystem)?.add(c.to);
    }
    for (const name of order) {
      const components = [...(componentsOf.get(name) ?? [])].sort();
      const group = selectId.subsystem(name);
      nodes.push({
        id: group,
        kind: 'group',
        name,
        subsystem: name,
        components,
        declared: byId.get(name)?.declared ?? false,
        // The least the box needs for its header, so the name is never cut: padding 14 + 12, dot 8,
        // three gaps of 8, the count badge (14 + 7 per digit), the open link 20, border 2, the name
        // (about 8.6 px a character) and 16 to spare (the map is drawn scaled, and a name laid out to
        // the pixel is painted cut); the layout sizes it around its components.
        width: Math.ceil(name.length * 8.6) + 110 + 7 * String(components.length).length,
        height: 60,
      });
      for (const c of components)
        nodes.push({
          id: selectId.component(c),
          kind: 'component',
          name: c,
          subsystem: name,
          components: [],
          declared: true,
          parent: group,
          width: componentNodeWidth(c),
          height: 30,
        });
    }
    const covered = new Set<string>();
    for (const c of [...topo.componentEdges].sort((a, b) =>
      `${a.from}|${a.to}`.localeCompare(`${b.from}|${b.to}`),
    )) {
      covered.add(`${c.fromSubsystem}|${c.toSubsystem}`);
      edges.push({
        id: selectId.componentEdge(c.from, c.to),
        source: selectId.component(c.from),
        target: selectId.component(c.to),
        status: statusOf.get(`${c.fromSubsystem}|${c.toSubsystem}`) ?? 'undeclared',
        count: c.count,
        p95Ms: c.p95Ms,
        lost: 0,
        label: c.p95Ms === undefined ? `${c.count}` : `p95 ${formatMs(c.p95Ms)}`,
        labelWidth: LABEL.short.w,
        labelHeight: LABEL.short.h,
        parent: selectId.edge(c.fromSubsystem, c.toSubsystem),
      });
    }
    // Declared edges without component traffic (silent ones) join the two subsystems' boxes.
    for (const e of topo.edges) {
      if (covered.has(`${e.from}|${e.to}`)) continue;
      edges.push({
        id: selectId.edge(e.from, e.to),
        source: selectId.subsystem(e.from),
        target: selectId.subsystem(e.to),
        status: e.status,
        count: e.count,
        p95Ms: e.p95Ms,
        lossRatio: e.lossRatio,
        lost: e.lost,
        ...labelOf(e),
      });
    }
  }
  const ids = new Set(nodes.map((n) => n.id));
  const linked = edges.filter((e) => ids.has(e.source) && ids.has(e.target));
  const layoutKey = [
    level,
    ...nodes.map((n) => `${n.id}@${n.parent ?? ''}:${n.width}x${n.height}`),
    ...linked.map((e) => `${e.id}:${e.labelWidth}x${e.labelHeight}`),
  ].join('|');
  return { nodes, edges: linked, layoutKey, maxCount: Math.max(1, ...linked.map((e) => e.count)) };
}

/** Stroke width by alert count: 1.5 px for a trickle up to 6 px for the busiest edge. */
export function edgeWidth(count: number, maxCount: number): number {
  if (count <= 0) return 1.5;
  return 1.5 + 4.5 * Math.sqrt(count / maxCount);
}
