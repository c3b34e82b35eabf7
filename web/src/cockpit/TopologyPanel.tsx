// The side panel beside the map, open while a subsystem, component or connection is selected: its
// numbers, last seen, description, its connections, and links to its events and alert flows.
import type { ReactNode } from 'react';
import type { TopologyEdge, TopologyResponse } from '../../../src/api/types.ts';
import { formatAgo, formatCount, formatMs, formatPercent, formatTime } from '../lib/format.ts';
import { linkHandler } from '../lib/router.ts';
import { subsystemColor } from '../lib/subsystemColor.ts';
import { type TimeQuery, timeSearch } from '../lib/timeRange.ts';
import { subsystemHref } from '../subsystem/health.ts';
import { Badge } from '../ui/Badge.tsx';
import { Button } from '../ui/Button.tsx';
import { Icon } from '../ui/Icon.tsx';
import { type Selection, selectId } from './cockpitQuery.ts';
import { EdgeSwatch, STATUS } from './EdgeStatus.tsx';
import './TopologyPanel.css';

type ComponentEdge = TopologyResponse['componentEdges'][number];

export interface TopologyPanelProps {
  topo: TopologyResponse;
  descriptions: Map<string, string>;
  time: TimeQuery;
  /** For "… ago" while live; undefined on a past window. */
  now?: number;
  onSelect: (sel: string | undefined) => void;
}

export function TopologyPanel(props: TopologyPanelProps & { selection: Selection }) {
  const { selection } = props;
  let body: ReactNode;
  if (selection.kind === 'edge') body = <EdgeDetail {...props} from={selection.from} to={selection.to} />;
  else if (selection.kind === 'subsystem') body = <SubsystemDetail {...props} name={selection.id} />;
  else if (selection.kind === 'component') body = <ComponentDetail {...props} name={selection.id} />;
  else body = <ComponentEdgeDetail {...props} from={selection.from} to={selection.to} />;
  return (
    <aside className="topo-panel" data-testid="topology-panel" aria-label="Details">
      <Button
        size="sm"
        variant="ghost"
        icon="close"
        className="topo-panel__close"
        aria-label="Close the details"
        title="Close (Esc)"
        onClick={() => props.onSelect(undefined)}
      />
      {body}
    </aside>
  );
}

function EdgeButton({ edge: e, onSelect }: { edge: TopologyEdge; onSelect: (s: string) => void }) {
  return (
    <button
      type="button"
      className="topo-row"
      onClick={() => onSelect(selectId.edge(e.from, e.to))}
      data-edge={`${e.from}>${e.to}`}
      data-status={e.status}
    >
      <EdgeSwatch status={e.status} />
      <span className="topo-row__two">
        <span className="topo-row__name">
          {e.from} <span className="topo-row__arrow">→</span> {e.to}
        </span>
        <span className="topo-row__num">
          {e.status === 'silent'
            ? 'silent: no alerts in this window'
            : `${formatCount(e.count)} alerts · p95 ${formatMs(e.p95Ms ?? 0)}${e.lost ? ` · ${formatCount(e.lost)} lost` : ''}`}
          {e.status === 'undeclared' ? ' · undeclared' : ''}
        </span>
      </span>
    </button>
  );
}

function EdgeDetail({ topo, from, to, now, time }: TopologyPanelProps & { from: string; to: string }) {
  const e = topo.edges.find((x) => x.from === from && x.to === to);
  if (!e) return <Missing what={`${from} → ${to}`} />;
  const status = STATUS[e.status];
  const parts = topo.componentEdges
    .filter((c) => c.fromSubsystem === from && c.toSubsystem === to)
    .sort((a, b) => b.count - a.count);
  return (
    <div data-testid="edge-detail" data-status={e.status}>
      <div className="topo-panel__head">
        <h3 className="topo-panel__name">
          {from} <span className="topo-row__arrow">→</span> {to}
        </h3>
        <Badge tone={status.tone}>{status.label}</Badge>
      </div>
      {e.description && <p className="topo-panel__desc">{e.description}</p>}
      <p className="topo-panel__status">{status.text}</p>
      <dl className="topo-figures">
        <Figure label="Alerts" value={formatCount(e.count)} />
        <Figure
          label="Lost"
          value={`${formatCount(e.lost)}${e.lossRatio !== undefined ? ` · ${formatPercent(e.lossRatio)}` : ''}`}
          bad={e.lost > 0}
        />
        <Figure label="p50" value={e.p50Ms === undefined ? '–' : formatMs(e.p50Ms)} />
        <Figure label="p95" value={e.p95Ms === undefined ? '–' : formatMs(e.p95Ms)} />
      </dl>
      <dl className="topo-facts">
        <Fact label="Last seen" value={lastSeen(e.lastSeen, now)} />
        <Fact label="Declared" value={e.declared ? 'yes, in the configuration' : 'no'} />
        <Fact label="Observed" value={e.observed ? 'yes, in alert flows' : 'not in this window'} />
      </dl>
      {parts.length > 0 && (
        <>
          <h4 className="topo-panel__sub">Between components</h4>
          <ComponentEdgeList edges={parts} />
        </>
      )}
      <Links>
        <PanelLink href={`/flows${timeSearch(time)}`}>Alert flows in this window</PanelLink>
      </Links>
    </div>
  );
}

function SubsystemDetail(props: TopologyPanelProps & { name: string }) {
  const { topo, name, descriptions, onSelect } = props;
  const n = topo.nodes.find((x) => x.id === name);
  if (!n) return <Missing what={name} />;
  const incoming = topo.edges.filter((e) => e.to === name);
  const outgoing = topo.edges.filter((e) => e.from === name);
  const active = new Set(
    topo.componentEdges.flatMap((c) => [
      ...(c.fromSubsystem === name ? [c.from] : []),
      ...(c.toSubsystem === name ? [c.to] : []),
    ]),
  );
  return (
    <div data-testid="subsystem-detail">
      <div className="topo-panel__head">
        <h3 className="topo-panel__name">
          <span className="topo-row__dot" style={{ background: subsystemColor(name) }} />
          {name}
        </h3>
        <Badge tone={n.declared ? 'neutral' : 'warn'}>{n.declared ? 'Declared' : 'Not declared'}</Badge>
      </div>
      {descriptions.get(name) && <p className="topo-panel__desc">{descriptions.get(name)}</p>}
      <h4 className="topo-panel__sub">Components</h4>
      <div className="topo-chips">
        {n.components.length === 0 && <span className="topo-panel__hint">None known</span>}
        {n.components.map((c) => (
          <button
            key={c}
            type="button"
            className={active.has(c) ? 'topo-chip is-active' : 'topo-chip'}
            title={active.has(c) ? 'Carried alerts in this window' : 'No alerts in this window'}
            onClick={() => onSelect(selectId.component(c))}
          >
            {c}
          </button>
        ))}
      </div>
      <h4 className="topo-panel__sub">Incoming</h4>
      <EdgeList edges={incoming} onSelect={onSelect} />
      <h4 className="topo-panel__sub">Outgoing</h4>
      <EdgeList edges={outgoing} onSelect={onSelect} />
      <Links>
        <PanelLink href={subsystemHref(name, timeSearch(props.time))}>Page of {name}</PanelLink>
        <PanelLink href={`/events?subsystem=${encodeURIComponent(name)}`}>Events of {name}</PanelLink>
      </Links>
    </div>
  );
}

function ComponentDetail({ topo, name, onSelect }: TopologyPanelProps & { name: string }) {
  const subsystem =
    topo.nodes.find((n) => n.components.includes(name))?.id ??
    topo.componentEdges.find((c) => c.from === name)?.fromSubsystem ??
    topo.componentEdges.find((c) => c.to === name)?.toSubsystem;
  const incoming = topo.componentEdges.filter((c) => c.to === name);
  const outgoing = topo.componentEdges.filter((c) => c.from === name);
  return (
    <div data-testid="component-detail">
      <div className="topo-panel__head">
        <h3 className="topo-panel__name mono">{name}</h3>
      </div>
      {subsystem && (
        <p className="topo-panel__desc">
          A component of{' '}
          <button
            type="button"
            className="topo-inline"
            onClick={() => onSelect(selectId.subsystem(subsystem))}
          >
            {subsystem}
          </button>
          .
        </p>
      )}
      <h4 className="topo-panel__sub">Incoming</h4>
      <ComponentEdgeList edges={incoming} empty="No alerts arrived here in this window." />
      <h4 className="topo-panel__sub">Outgoing</h4>
      <ComponentEdgeList edges={outgoing} empty="No alerts left from here in this window." />
      {subsystem && (
        <Links>
          <PanelLink
            href={`/events?subsystem=${encodeURIComponent(subsystem)}&q=${encodeURIComponent(name)}`}
          >
            Events mentioning {name}
          </PanelLink>
        </Links>
      )}
    </div>
  );
}

function ComponentEdgeDetail({
  topo,
  from,
  to,
  now,
  onSelect,
}: TopologyPanelProps & { from: string; to: string }) {
  const c = topo.componentEdges.find((x) => x.from === from && x.to === to);
  if (!c) return <Missing what={`${from} → ${to}`} />;
  const parent = topo.edges.find((e) => e.from === c.fromSubsystem && e.to === c.toSubsystem);
  return (
    <div data-testid="edge-detail" data-status={parent?.status ?? 'undeclared'}>
      <div className="topo-panel__head">
        <h3 className="topo-panel__name mono">
          {from} <span className="topo-row__arrow">→</span> {to}
        </h3>
        {parent && <Badge tone={STATUS[parent.status].tone}>{STATUS[parent.status].label}</Badge>}
      </div>
      <p className="topo-panel__desc">
        Part of{' '}
        <button
          type="button"
          className="topo-inline"
          onClick={() => onSelect(selectId.edge(c.fromSubsystem, c.toSubsystem))}
        >
          {c.fromSubsystem} → {c.toSubsystem}
        </button>
        {parent?.description ? `: ${parent.description}` : '.'}
      </p>
      <dl className="topo-figures">
        <Figure label="Alerts" value={formatCount(c.count)} />
        <Figure label="p95" value={c.p95Ms === undefined ? '–' : formatMs(c.p95Ms)} />
      </dl>
      <dl className="topo-facts">
        <Fact label="Last seen" value={lastSeen(c.lastSeen, now)} />
      </dl>
    </div>
  );
}

function EdgeList({ edges, onSelect }: { edges: TopologyEdge[]; onSelect: (s: string) => void }) {
  if (edges.length === 0) return <p className="topo-panel__hint">None</p>;
  return (
    <ul className="topo-panel__list">
      {edges.map((e) => (
        <li key={`${e.from}>${e.to}`}>
          <EdgeButton edge={e} onSelect={onSelect} />
        </li>
      ))}
    </ul>
  );
}

function ComponentEdgeList({ edges, empty = 'None' }: { edges: ComponentEdge[]; empty?: string }) {
  if (edges.length === 0) return <p className="topo-panel__hint">{empty}</p>;
  return (
    <table className="topo-table">
      <tbody>
        {edges.map((c) => (
          <tr key={`${c.from}>${c.to}`}>
            <td className="mono">
              {c.from} <span className="topo-row__arrow">→</span> {c.to}
            </td>
            <td className="is-right">{formatCount(c.count)}</td>
            <td className="is-right">{c.p95Ms === undefined ? '–' : `p95 ${formatMs(c.p95Ms)}`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Figure({ label, value, bad }: { label: string; value: string; bad?: boolean }) {
  return (
    <div className={bad ? 'topo-figure is-bad' : 'topo-figure'}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

function Links({ children }: { children: ReactNode }) {
  return <div className="topo-panel__links">{children}</div>;
}

function PanelLink({ href, children }: { href: string; children: ReactNode }) {
  return (
    <a className="topo-panel__link" href={href} onClick={linkHandler(href)}>
      {children}
      <Icon name="arrowRight" size={14} />
    </a>
  );
}

function Missing({ what }: { what: string }) {
  return (
    <p className="topo-panel__hint">
      <b>{what}</b> is not on the map in this window.
    </p>
  );
}

function lastSeen(iso: string | undefined, now: number | undefined): string {
  if (!iso) return 'not in this window';
  return now === undefined
    ? formatTime(iso, true)
    : `${formatTime(iso, false, false)} · ${formatAgo(iso, now)}`;
}
