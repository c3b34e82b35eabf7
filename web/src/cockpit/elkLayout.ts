// Lays the topology map out with ELK's layered algorithm, left to right along the alarm path:
// orthogonal edge routes, edge labels placed between the layers (so they never sit on a node),
// components inside their subsystem's box (hierarchical layout), and a feedback edge (console ->
// alarm-server) routed back around instead of flipping the order, as the node order decides which
// edges of a cycle point backwards. ELK runs in a Web Worker: its 1.6 MB script loads with the
// first layout and never blocks the page.
import ElkApi, { type ELK, type ElkExtendedEdge, type ElkNode } from 'elkjs/lib/elk-api.js';
import ElkWorker from 'elkjs/lib/elk-worker.min.js?worker';
import type { MapModel } from './topologyGraph.ts';

export interface Point {
  x: number;
  y: number;
}

/** Position relative to the parent (the group for components), and size. */
export interface NodeBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface EdgeRoute {
  /** From the source's border to the target's border, bends included (map coordinates). */
  points: Point[];
  /** Centre of the label. */
  label?: Point;
}

export interface MapLayout {
  key: string;
  nodes: Map<string, NodeBox>;
  edges: Map<string, EdgeRoute>;
}

const ROOT_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.layered.cycleBreaking.strategy': 'MODEL_ORDER',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
  'elk.layered.spacing.nodeNodeBetweenLayers': '36',
  'elk.layered.spacing.edgeNodeBetweenLayers': '14',
  'elk.layered.spacing.edgeEdgeBetweenLayers': '12',
  'elk.spacing.nodeNode': '36',
  'elk.spacing.edgeNode': '18',
  'elk.spacing.edgeEdge': '14',
  'elk.spacing.edgeLabel': '3',
  'elk.edgeLabels.placement': 'CENTER',
  'elk.padding': '[top=16,left=16,bottom=16,right=16]',
  'elk.json.edgeCoords': 'ROOT',
};

const GROUP_OPTIONS: Record<string, string> = {
  'elk.padding': '[top=44,left=14,bottom=14,right=14]',
  'elk.spacing.nodeNode': '10',
};

let engine: ELK | undefined;

function elk(): ELK {
  // A CommonJS module: its default import is module.exports, whose `default` is the constructor too.
  engine ??= new ElkApi.default({ workerFactory: () => new ElkWorker({ name: 'elk-layout' }) });
  return engine;
}

export async function layoutMap(model: MapModel): Promise<MapLayout> {
  const children = new Map<string, ElkNode[]>();
  const top: ElkNode[] = [];
  for (const n of model.nodes) {
    const node: ElkNode = { id: n.id };
    if (n.kind === 'group') {
      node.layoutOptions = {
        ...GROUP_OPTIONS,
        'elk.nodeSize.constraints': '[MINIMUM_SIZE]',
        'elk.nodeSize.minimum': `(${n.width}, ${n.height})`,
      };
      node.children = [];
      children.set(n.id, node.children);
    } else {
      node.width = n.width;
      node.height = n.height;
    }
    if (n.parent) children.get(n.parent)?.push(node);
    else top.push(node);
  }
  const edges: ElkExtendedEdge[] = model.edges.map((e) => ({
    id: e.id,
    sources: [e.source],
    targets: [e.target],
    labels: [{ id: `${e.id}#label`, text: e.label, width: e.labelWidth, height: e.labelHeight }],
  }));
  const result = await elk().layout({ id: 'root', layoutOptions: ROOT_OPTIONS, children: top, edges });

  const nodes = new Map<string, NodeBox>();
  const visit = (list: ElkNode[] | undefined) => {
    for (const n of list ?? []) {
      nodes.set(n.id, { x: n.x ?? 0, y: n.y ?? 0, width: n.width ?? 0, height: n.height ?? 0 });
      visit(n.children);
    }
  };
  visit(result.children);

  const routes = new Map<string, EdgeRoute>();
  for (const e of (result.edges ?? []) as ElkExtendedEdge[]) {
    const section = e.sections?.[0];
    if (!section) continue;
    const label = e.labels?.[0];
    routes.set(e.id, {
      points: [section.startPoint, ...(section.bendPoints ?? []), section.endPoint],
      label:
        label?.x !== undefined && label.y !== undefined
          ? { x: label.x + (label.width ?? 0) / 2, y: label.y + (label.height ?? 0) / 2 }
          : undefined,
    });
  }
  return { key: model.layoutKey, nodes, edges: routes };
}
