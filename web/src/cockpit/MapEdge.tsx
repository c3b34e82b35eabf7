// The map's edge (a React Flow custom edge): the route the layout computed, drawn with rounded
// corners and an arrowhead sized to the stroke, styled by status (ok solid, silent dashed grey,
// undeclared orange), as thick as its alert count, with its label (p95 · loss) between the layers.
import { type Edge, EdgeLabelRenderer, type EdgeProps } from '@xyflow/react';
import { createContext, useContext } from 'react';
import { formatCount, formatMs, formatPercent } from '../lib/format.ts';
import type { EdgeRoute, Point } from './elkLayout.ts';
import type { MapEdgeModel } from './topologyGraph.ts';

export interface MapEdgeData extends Record<string, unknown> {
  edge: MapEdgeModel;
  route: EdgeRoute;
  width: number;
  selected: boolean;
  /** Component level: the short label (p95 only). */
  short: boolean;
}

export type MapEdgeType = Edge<MapEdgeData>;

/** Selecting from inside the map (a label is not a React Flow element, so it needs its own click). */
export const SelectContext = createContext<(id: string | undefined) => void>(() => {});

const STATUS_TEXT = {
  ok: 'declared, alerts seen',
  silent: 'declared, no alerts',
  undeclared: 'seen but not declared',
};

export function MapEdge({ id, data }: EdgeProps<MapEdgeType>) {
  const onSelect = useContext(SelectContext);
  if (!data) return null;
  const { edge, route, width, selected, short } = data;
  const arrowLength = 7 + width * 1.4;
  const points = trimEnd(route.points, arrowLength * 0.7);
  const d = roundedPath(points, 10);
  const title =
    `${edge.id.slice(2).replace('>', ' → ')}: ${STATUS_TEXT[edge.status]}` +
    (edge.count ? ` · ${formatCount(edge.count)} alerts` : '');
  return (
    <>
      {selected && <path d={d} className="map-edge__halo" style={{ strokeWidth: width + 8 }} />}
      <path
        d={d}
        className={`map-edge map-edge--${edge.status}`}
        style={{ strokeWidth: width }}
        data-testid="map-edge"
        data-edge={id}
        data-status={edge.status}
      />
      <path
        d={arrowHead(route.points, arrowLength, 3.5 + width)}
        className={`map-arrow map-arrow--${edge.status}`}
      />
      <path d={d} className="react-flow__edge-interaction" fill="none" strokeOpacity={0} strokeWidth={18}>
        <title>{title}</title>
      </path>
      {route.label && (
        <EdgeLabelRenderer>
          <button
            type="button"
            className={`map-label map-label--${edge.status}${short || edge.p95Ms === undefined ? '' : ' map-label--two'}${selected ? ' is-selected' : ''} nodrag nopan`}
            style={{ transform: `translate(-50%, -50%) translate(${route.label.x}px, ${route.label.y}px)` }}
            onClick={() => onSelect(id)}
            title={title}
            data-testid="map-edge-label"
            data-edge={id}
            data-status={edge.status}
          >
            <EdgeLabelText edge={edge} short={short} />
          </button>
        </EdgeLabelRenderer>
      )}
    </>
  );
}

function EdgeLabelText({ edge, short }: { edge: MapEdgeModel; short: boolean }) {
  if (edge.p95Ms === undefined) return <span className="map-label__quiet">no alerts</span>;
  const loss = edge.lossRatio ?? 0;
  return (
    <>
      <span className="map-label__p95">p95 {formatMs(edge.p95Ms)}</span>
      {!short && (
        <span className={loss > 0 ? 'map-label__loss is-bad' : 'map-label__loss'}>
          {formatPercent(loss)} lost
        </span>
      )}
    </>
  );
}

/** A polyline with its corners rounded off (radius `r`, less where segments are short). */
export function roundedPath(points: Point[], r: number): string {
  const first = points[0];
  if (!first) return '';
  let d = `M${first.x},${first.y}`;
  for (let i = 1; i < points.length - 1; i++) {
    const [a, b, c] = [points[i - 1]!, points[i]!, points[i + 1]!];
    const rr = Math.min(r, dist(a, b) / 2, dist(b, c) / 2);
    const p = towards(b, a, rr);
    const q = towards(b, c, rr);
    d += ` L${p.x},${p.y} Q${b.x},${b.y} ${q.x},${q.y}`;
  }
  const last = points[points.length - 1]!;
  return `${d} L${last.x},${last.y}`;
}

/** The route shortened at its end by `by`, so a thick line ends inside the arrowhead, not past its tip. */
function trimEnd(points: Point[], by: number): Point[] {
  if (points.length < 2) return points;
  const end = points[points.length - 1]!;
  const before = points[points.length - 2]!;
  const cut = Math.min(by, dist(before, end) - 1);
  return [...points.slice(0, -1), towards(end, before, Math.max(0, cut))];
}

function arrowHead(points: Point[], length: number, halfWidth: number): string {
  const tip = points[points.length - 1];
  const before = points[points.length - 2];
  if (!tip || !before) return '';
  const len = dist(before, tip) || 1;
  const [ux, uy] = [(tip.x - before.x) / len, (tip.y - before.y) / len];
  const base = { x: tip.x - ux * length, y: tip.y - uy * length };
  return `M${tip.x},${tip.y} L${base.x - uy * halfWidth},${base.y + ux * halfWidth} L${base.x + uy * halfWidth},${base.y - ux * halfWidth} Z`;
}

function dist(a: Point, b: Point): number {
  return Math.hypot(b.x - a.x, b.y - a.y);
}

/** The point `d` from `from` in the direction of `to`. */
function towards(from: Point, to: Point, d: number): Point {
  const len = dist(from, to) || 1;
  return { x: from.x + ((to.x - from.x) / len) * d, y: from.y + ((to.y - from.y) / len) * d };
}
