// The topology map (loaded lazily with React Flow, so the other pages do not carry it): nodes and
// edges of the model at the positions ELK computed, pan and zoom, click to select. The layout runs
// again only when the elements change; refreshed numbers just redraw. The view follows
// useMapViewport (fit on a new layout, keep the selection in sight).

import { Background, Controls, type NodeHandle, Position, ReactFlow, ReactFlowProvider } from '@xyflow/react';
import { navigate } from '../lib/router.ts';
import { subsystemHref } from '../subsystem/health.ts';
import type { MapHealth } from './mapHealth.ts';
import '@xyflow/react/dist/style.css';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Spinner } from '../ui/Spinner.tsx';
import { layoutMap, type MapLayout } from './elkLayout.ts';
import { MapEdge, type MapEdgeType, SelectContext } from './MapEdge.tsx';
import { ComponentNode, GroupNode, type MapNode, SubsystemNode } from './MapNodes.tsx';
import { edgeWidth, type MapModel } from './topologyGraph.ts';
import { FIT, useMapViewport } from './useMapViewport.ts';
import './TopologyMap.css';

// 'box', not 'group': React Flow styles its own group type.
const nodeTypes = { subsystem: SubsystemNode, box: GroupNode, component: ComponentNode };
const edgeTypes = { map: MapEdge };

export interface TopologyMapProps {
  model: MapModel;
  /** Selection id (`n:`, `e:`, `k:`, `c:`). */
  selected?: string;
  descriptions: Map<string, string>;
  /** States at the window's end (absent while loading or without health rules). */
  health?: MapHealth;
  /** Query string (time window) carried to a subsystem's page. */
  linkSearch?: string;
  onSelect: (id: string | undefined) => void;
}

export function TopologyMap(props: TopologyMapProps) {
  return (
    <ReactFlowProvider>
      <MapCanvas {...props} />
    </ReactFlowProvider>
  );
}

function useMapLayout(model: MapModel): { layout: MapLayout | null; error: Error | null } {
  const [state, setState] = useState<{ layout: MapLayout | null; error: Error | null }>({
    layout: null,
    error: null,
  });
  // biome-ignore lint/correctness/useExhaustiveDependencies: the layout depends on the elements only (layoutKey), not on the numbers
  useEffect(() => {
    let cancelled = false;
    layoutMap(model).then(
      (layout) => !cancelled && setState({ layout, error: null }),
      (error: Error) => !cancelled && setState((s) => ({ ...s, error })),
    );
    return () => {
      cancelled = true;
    };
  }, [model.layoutKey]);
  return state;
}

/** A node's two handles, as its Handles component places them: target left, source right, centred. */
function handlesOf(width: number, height: number): NodeHandle[] {
  return [
    { type: 'target', position: Position.Left, x: 0, y: height / 2, width: 1, height: 1 },
    { type: 'source', position: Position.Right, x: width - 1, y: height / 2, width: 1, height: 1 },
  ];
}

function MapCanvas({ model, selected, descriptions, health, linkSearch, onSelect }: TopologyMapProps) {
  const { layout, error } = useMapLayout(model);
  const short = model.nodes.some((n) => n.kind === 'component');

  const nodes = useMemo<MapNode[]>(() => {
    if (!layout) return [];
    return model.nodes.flatMap((n) => {
      const box = layout.nodes.get(n.id);
      if (!box) return [];
      return [
        {
          id: n.id,
          type: n.kind === 'group' ? 'box' : n.kind,
          position: { x: box.x, y: box.y },
          ...(n.parent ? { parentId: n.parent } : {}),
          width: box.width,
          height: box.height,
          // The size and handles the layout gave it: without them React Flow forgets a node's
          // measurements whenever it gets a new node object (every refresh) and draws no edge into
          // it until the node has been measured again (seconds under load).
          measured: { width: box.width, height: box.height },
          handles: handlesOf(box.width, box.height),
          style: { width: box.width, height: box.height },
          draggable: false,
          connectable: false,
          data: {
            node: n,
            selected: selected === n.id,
            description: descriptions.get(n.subsystem),
            health:
              n.kind === 'component'
                ? health?.components.get(`${n.subsystem}/${n.name}`)
                : health?.subsystems.get(n.subsystem),
            href: subsystemHref(n.subsystem, linkSearch),
          },
          zIndex: n.kind === 'group' ? 0 : 1,
        },
      ];
    });
  }, [model, layout, selected, descriptions, health, linkSearch]);

  const edges = useMemo<MapEdgeType[]>(() => {
    if (!layout) return [];
    return model.edges.flatMap((e) => {
      const route = layout.edges.get(e.id);
      if (!route) return [];
      return [
        {
          id: e.id,
          source: e.source,
          target: e.target,
          type: 'map',
          zIndex: 2,
          data: {
            edge: e,
            route,
            width: edgeWidth(e.count, model.maxCount),
            selected: selected !== undefined && (selected === e.id || selected === e.parent),
            short,
          },
        },
      ];
    });
  }, [model, layout, selected, short]);

  const container = useRef<HTMLDivElement>(null);
  useMapViewport(container, layout, model, selected);

  const ready = layout !== null && layout.key === model.layoutKey;
  return (
    <SelectContext.Provider value={onSelect}>
      <div
        ref={container}
        className="topology-map"
        data-testid="topology-map"
        data-layout={ready ? 'ready' : 'pending'}
      >
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          onNodeClick={(_, node) => onSelect(node.id)}
          onNodeDoubleClick={(_, node) => navigate(subsystemHref(node.data.node.subsystem, linkSearch))}
          onEdgeClick={(_, edge) => onSelect(edge.id)}
          onPaneClick={() => onSelect(undefined)}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={false}
          edgesFocusable={false}
          minZoom={0.25}
          maxZoom={2}
          colorMode="system"
          fitView
          fitViewOptions={FIT}
          aria-label="Topology map"
        >
          <Background gap={22} size={1.2} />
          <Controls showInteractive={false} position="top-left" />
        </ReactFlow>
        {!layout && !error && (
          <div className="topology-map__overlay">
            <Spinner size="lg" label="Laying out the map" />
          </div>
        )}
        {error && (
          <div className="topology-map__overlay topology-map__overlay--error" role="alert">
            The map could not be laid out: {error.message}
          </div>
        )}
      </div>
    </SelectContext.Provider>
  );
}
