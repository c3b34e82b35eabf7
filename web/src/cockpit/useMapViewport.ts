// Where the map looks: all of it after a new layout or when it gets wider (the side panel closed);
// when it gets narrower (the panel opened) it keeps its zoom, so labels stay readable, and pans only
// if the selected element would be out of sight; a new selection out of sight is brought to the middle.
import { useReactFlow } from '@xyflow/react';
import { type RefObject, useEffect, useRef } from 'react';
import type { MapLayout, Point } from './elkLayout.ts';
import type { MapModel } from './topologyGraph.ts';

export const FIT = { padding: 0.08, maxZoom: 1.1 };
const MARGIN = 60;

/** The map point of a selected element: a node's centre (inside its group), an edge's label. */
function focusPoint(layout: MapLayout, model: MapModel, selected: string): Point | undefined {
  const node = model.nodes.find((n) => n.id === selected);
  if (node) {
    const box = layout.nodes.get(node.id);
    const parent = node.parent ? layout.nodes.get(node.parent) : undefined;
    if (!box) return undefined;
    return { x: (parent?.x ?? 0) + box.x + box.width / 2, y: (parent?.y ?? 0) + box.y + box.height / 2 };
  }
  const edge = model.edges.find((e) => e.id === selected || e.parent === selected);
  const route = edge ? layout.edges.get(edge.id) : undefined;
  if (!route) return undefined;
  return route.label ?? route.points[Math.floor(route.points.length / 2)];
}

export function useMapViewport(
  container: RefObject<HTMLDivElement | null>,
  layout: MapLayout | null,
  model: MapModel,
  selected: string | undefined,
): void {
  const flow = useReactFlow();
  const latest = useRef({ layout, model, selected });
  latest.current = { layout, model, selected };

  const bringIntoView = (duration: number) => {
    const { layout: l, model: m, selected: s } = latest.current;
    const el = container.current;
    if (!l || !el || !s) return;
    const p = focusPoint(l, m, s);
    if (!p) return;
    const { x, y, zoom } = flow.getViewport();
    const sx = p.x * zoom + x;
    if (sx >= MARGIN && sx <= el.clientWidth - MARGIN) return;
    flow.setCenter(p.x, (el.clientHeight / 2 - y) / zoom, { zoom, duration });
  };

  const layoutKey = layout?.key;
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the layout changes
  useEffect(() => {
    const el = container.current;
    if (!layoutKey || !el) return;
    let frame = requestAnimationFrame(() => flow.fitView(FIT));
    let width = el.clientWidth;
    const resize = new ResizeObserver(() => {
      const grew = el.clientWidth > width;
      if (el.clientWidth === width) return;
      width = el.clientWidth;
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() =>
        grew ? flow.fitView({ ...FIT, duration: 200 }) : bringIntoView(200),
      );
    });
    resize.observe(el);
    return () => {
      cancelAnimationFrame(frame);
      resize.disconnect();
    };
  }, [layoutKey]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the selection changes
  useEffect(() => {
    const frame = requestAnimationFrame(() => bringIntoView(250));
    return () => cancelAnimationFrame(frame);
  }, [selected]);
}
