// The map's node types (React Flow custom nodes, plain HTML in the design system's look): a subsystem
// with its component chips, a subsystem's box at component level, and a component inside it. The
// strip on a subsystem's left (a component's outline) shows its health at the window's end; the
// arrow in a subsystem's head opens its page.
import { Handle, type Node, type NodeProps, Position } from '@xyflow/react';
import type { MouseEvent } from 'react';
import type { HealthEntityState } from '../../../src/api/types.ts';
import { linkHandler } from '../lib/router.ts';
import { subsystemColor } from '../lib/subsystemColor.ts';
import { HEALTH_LABEL, healthColor } from '../subsystem/health.ts';
import { Icon } from '../ui/Icon.tsx';
import { type MapNodeModel, visibleChips } from './topologyGraph.ts';
import '../subsystem/health.css';

export interface MapNodeData extends Record<string, unknown> {
  node: MapNodeModel;
  selected: boolean;
  description?: string;
  health?: HealthEntityState;
  /** The subsystem's page. */
  href: string;
}

export type MapNode = Node<MapNodeData>;

function healthTitle(h: HealthEntityState | undefined): string {
  if (!h) return 'Health: unknown (no health data)';
  const marks = [h.suppressedBy && `suppressed: ${h.suppressedBy} failed`, h.flapping && 'flapping'].filter(
    Boolean,
  );
  return `Health: ${HEALTH_LABEL[h.state]}${h.reason ? ` (${h.reason})` : ''}${marks.length ? ` · ${marks.join(' · ')}` : ''}`;
}

function HealthStrip({ health }: { health?: HealthEntityState }) {
  const state = health?.state ?? 'unknown';
  return (
    <span
      className="map-node__health"
      data-testid="map-health"
      data-health={state}
      title={healthTitle(health)}
      style={{ background: healthColor(state) }}
    />
  );
}

function OpenLink({ href, name }: { href: string; name: string }) {
  const go = linkHandler(href);
  return (
    <a
      className="map-node__open nodrag nopan"
      href={href}
      title={`Open the page of ${name}`}
      aria-label={`Open the page of ${name}`}
      data-testid="map-node-open"
      onClick={(e: MouseEvent<HTMLAnchorElement>) => {
        e.stopPropagation();
        go(e);
      }}
    >
      <Icon name="arrowRight" size={13} />
    </a>
  );
}

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
  const { node, selected, description, health, href } = data;
  const { shown, more } = visibleChips(node.components);
  const n = node.components.length;
  return (
    <div
      className={`map-node${selected ? ' is-selected' : ''}${node.declared ? '' : ' is-undeclared'}`}
      data-testid="map-node"
      data-node={node.name}
      data-health={health?.state ?? 'unknown'}
      title={description}
    >
      <Handles />
      <HealthStrip health={health} />
      <div className="map-node__head">
        <span className="map-node__dot" style={{ background: subsystemColor(node.name) }} />
        <span className="map-node__name">{node.name}</span>
        <OpenLink href={href} name={node.name} />
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
  const { node, selected, description, health, href } = data;
  return (
    <div
      className={`map-group${selected ? ' is-selected' : ''}${node.declared ? '' : ' is-undeclared'}`}
      data-testid="map-node"
      data-node={node.name}
      data-health={health?.state ?? 'unknown'}
    >
      <Handles />
      <HealthStrip health={health} />
      <div className="map-group__head" title={description}>
        <span className="map-node__dot" style={{ background: subsystemColor(node.name) }} />
        <span className="map-node__name">{node.name}</span>
        <span className="map-group__count">{node.components.length}</span>
        <OpenLink href={href} name={node.name} />
      </div>
    </div>
  );
}

export function ComponentNode({ data }: NodeProps<MapNode>) {
  const { node, selected, health } = data;
  const state = health?.state ?? 'unknown';
  return (
    <div
      className={`map-comp${selected ? ' is-selected' : ''}`}
      data-testid="map-component"
      data-node={node.name}
      data-health={state}
      title={`${node.name} (${node.subsystem}) · ${healthTitle(health)}`}
      style={{ boxShadow: `inset 3px 0 0 ${healthColor(state)}` }}
    >
      <Handles />
      <span className="map-comp__dot" style={{ background: subsystemColor(node.subsystem) }} />
      <span className="map-comp__name">{node.name}</span>
    </div>
  );
}
