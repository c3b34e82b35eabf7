// The map's node types (React Flow custom nodes, plain HTML in the design system's look): a subsystem
// with its component chips, a subsystem's box at component level, and a component inside it. The
// strip on a subsystem's left is the slot for its health colour (neutral until the health engine).
import { Handle, type Node, type NodeProps, Position } from '@xyflow/react';
import { subsystemColor } from '../lib/subsystemColor.ts';
import { type MapNodeModel, visibleChips } from './topologyGraph.ts';

export interface MapNodeData extends Record<string, unknown> {
  node: MapNodeModel;
  selected: boolean;
  description?: string;
}

export type MapNode = Node<MapNodeData>;

const HEALTH_TITLE = 'Health: not measured yet (the health engine will colour this)';

/** Edges attach anywhere on the border (the routes come from the layout); the handles only satisfy React Flow. */
function Handles() {
  return (
    <>
      <Handle type="target" position={Position.Left} isConnectable={false} className="map-handle" />
      <Handle type="source" position={Position.Right} isConnectable={false} className="map-handle" />
    </>
  );
}

export function SubsystemNode({ data }: NodeProps<MapNode>) {
  const { node, selected, description } = data;
  const { shown, more } = visibleChips(node.components);
  const n = node.components.length;
  return (
    <div
      className={`map-node${selected ? ' is-selected' : ''}${node.declared ? '' : ' is-undeclared'}`}
      data-testid="map-node"
      data-node={node.name}
      title={description}
    >
      <Handles />
      <span className="map-node__health" title={HEALTH_TITLE} />
      <div className="map-node__head">
        <span className="map-node__dot" style={{ background: subsystemColor(node.name) }} />
        <span className="map-node__name">{node.name}</span>
      </div>
      <div className="map-node__meta">
        {n === 0 ? 'no components known' : `${n} component${n === 1 ? '' : 's'}`}
        {node.declared ? '' : ' · not declared'}
      </div>
      {(shown.length > 0 || more > 0) && (
        <div className="map-node__chips">
          {shown.map((c) => (
            <span key={c} className="map-chip">
              {c}
            </span>
          ))}
          {more > 0 && <span className="map-chip map-chip--more">+{more}</span>}
        </div>
      )}
    </div>
  );
}

export function GroupNode({ data }: NodeProps<MapNode>) {
  const { node, selected, description } = data;
  return (
    <div
      className={`map-group${selected ? ' is-selected' : ''}${node.declared ? '' : ' is-undeclared'}`}
      data-testid="map-node"
      data-node={node.name}
    >
      <Handles />
      <span className="map-node__health" title={HEALTH_TITLE} />
      <div className="map-group__head" title={description}>
        <span className="map-node__dot" style={{ background: subsystemColor(node.name) }} />
        <span className="map-node__name">{node.name}</span>
        <span className="map-group__count">{node.components.length}</span>
      </div>
    </div>
  );
}

export function ComponentNode({ data }: NodeProps<MapNode>) {
  const { node, selected } = data;
  return (
    <div
      className={`map-comp${selected ? ' is-selected' : ''}`}
      data-testid="map-component"
      data-node={node.name}
      title={`${node.name} (${node.subsystem})`}
    >
      <Handles />
      <span className="map-comp__dot" style={{ background: subsystemColor(node.subsystem) }} />
      <span className="map-comp__name">{node.name}</span>
    </div>
  );
}
