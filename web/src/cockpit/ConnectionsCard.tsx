// Every connection of the map as a table (declared and observed, along the alarm path): status,
// alerts, latency, loss, last seen and description. A row selects the connection on the map, so the
// table is also the keyboard's way into it.
import type { TopologyEdge, TopologyResponse } from '../../../src/api/types.ts';
import { formatCount, formatMs, formatPercent, formatTime } from '../lib/format.ts';
import { Badge } from '../ui/Badge.tsx';
import { Card } from '../ui/Card.tsx';
import { type Column, Table } from '../ui/Table.tsx';
import { selectId } from './cockpitQuery.ts';
import { EdgeSwatch, STATUS } from './EdgeStatus.tsx';
import { pathOrder } from './topologyGraph.ts';
import './ConnectionsCard.css';

export interface ConnectionsCardProps {
  topo: TopologyResponse;
  selected?: string;
  withDate: boolean;
  onSelect: (sel: string) => void;
}

export function ConnectionsCard({ topo, selected, withDate, onSelect }: ConnectionsCardProps) {
  const order = pathOrder(
    topo.nodes.map((n) => n.id),
    topo.edges,
  );
  const rank = (s: string) => order.indexOf(s);
  const rows = [...topo.edges].sort((a, b) => rank(a.from) - rank(b.from) || rank(a.to) - rank(b.to));
  const dash = <span className="connections__none">–</span>;
  const columns: Column<TopologyEdge>[] = [
    {
      key: 'edge',
      header: 'Connection',
      width: '250px',
      render: (e) => (
        <span className="connections__edge">
          <EdgeSwatch status={e.status} />
          <b>{e.from}</b>
          <span className="connections__arrow">→</span>
          <b>{e.to}</b>
        </span>
      ),
    },
    {
      key: 'status',
      header: 'Status',
      width: '116px',
      render: (e) => (
        <span data-testid="connection-status" data-status={e.status}>
          <Badge tone={STATUS[e.status].tone} title={STATUS[e.status].text}>
            {STATUS[e.status].label}
          </Badge>
        </span>
      ),
    },
    { key: 'count', header: 'Alerts', width: '88px', align: 'right', render: (e) => formatCount(e.count) },
    {
      key: 'p50',
      header: 'p50',
      width: '84px',
      align: 'right',
      render: (e) => (e.p50Ms === undefined ? dash : formatMs(e.p50Ms)),
    },
    {
      key: 'p95',
      header: 'p95',
      width: '84px',
      align: 'right',
      render: (e) => (e.p95Ms === undefined ? dash : formatMs(e.p95Ms)),
    },
    {
      key: 'lost',
      header: 'Lost',
      width: '110px',
      align: 'right',
      render: (e) =>
        e.lost > 0 ? (
          <span className="connections__lost">
            {formatCount(e.lost)} · {formatPercent(e.lossRatio ?? 0)}
          </span>
        ) : (
          '0'
        ),
    },
    {
      key: 'last',
      header: 'Last seen',
      width: withDate ? '150px' : '100px',
      className: 'mono connections__time',
      render: (e) => (e.lastSeen ? formatTime(e.lastSeen, withDate, false) : dash),
    },
    {
      key: 'description',
      header: 'Description',
      render: (e) =>
        e.description ? (
          <span title={e.description}>{e.description}</span>
        ) : (
          <span className="connections__none">{e.declared ? '–' : 'not declared'}</span>
        ),
    },
  ];
  return (
    <Card
      flush
      title="Connections"
      subtitle="Declared edges beside those observed in alert flows, along the alarm path. Click one to see it on the map."
    >
      <div data-testid="connections-table">
        <Table
          label="Connections"
          columns={columns}
          rows={rows}
          rowKey={(e) => selectId.edge(e.from, e.to)}
          onRowClick={(e) => onSelect(selectId.edge(e.from, e.to))}
          rowClassName={(e) => (selectId.edge(e.from, e.to) === selected ? 'is-open' : undefined)}
        />
      </div>
    </Card>
  );
}
