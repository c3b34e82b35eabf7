// A subsystem's connections: every declared or observed edge into or out of it, with traffic,
// p95 hop latency, loss and the declared-vs-observed status; the other end links to its page.
import type { TopologyEdge } from '../../../src/api/types.ts';
import { EdgeSwatch, STATUS } from '../cockpit/EdgeStatus.tsx';
import { formatCount, formatMs, formatPercent } from '../lib/format.ts';
import { linkHandler } from '../lib/router.ts';
import { Badge } from '../ui/Badge.tsx';
import { Card } from '../ui/Card.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { type Column, Table } from '../ui/Table.tsx';
import { subsystemHref } from './health.ts';

export function EdgesCard({ name, edges, search }: { name: string; edges: TopologyEdge[]; search: string }) {
  const mine = edges.filter((e) => e.from === name || e.to === name);
  const peer = (e: TopologyEdge) => (e.from === name ? e.to : e.from);
  const columns: Column<TopologyEdge>[] = [
    {
      key: 'peer',
      header: 'Edge',
      width: '34%',
      render: (e) => (
        <span className="subsystem-edge">
          <span className="subsystem-edge__dir">{e.from === name ? 'to' : 'from'}</span>
          <a href={subsystemHref(peer(e), search)} onClick={linkHandler(subsystemHref(peer(e), search))}>
            {peer(e)}
          </a>
        </span>
      ),
    },
    {
      key: 'status',
      header: 'Status',
      width: '24%',
      render: (e) => (
        <span className="subsystem-edge-status" data-status={e.status} title={STATUS[e.status].text}>
          <EdgeSwatch status={e.status} />
          <Badge tone={STATUS[e.status].tone}>{STATUS[e.status].label}</Badge>
        </span>
      ),
    },
    { key: 'count', header: 'Alerts', width: '13%', align: 'right', render: (e) => formatCount(e.count) },
    {
      key: 'p95',
      header: 'p95',
      width: '14%',
      align: 'right',
      render: (e) => (e.p95Ms === undefined ? '–' : formatMs(e.p95Ms)),
    },
    {
      key: 'loss',
      header: 'Lost',
      align: 'right',
      render: (e) => (e.lossRatio === undefined ? '–' : formatPercent(e.lossRatio)),
    },
  ];
  return (
    <Card flush title="Connections" subtitle="Declared and observed edges of this subsystem in the window">
      {mine.length === 0 ? (
        <EmptyState icon="topology" title="No connections">
          Nothing declared under <code>edges</code> and no flow crossed this subsystem in the window.
        </EmptyState>
      ) : (
        <div data-testid="subsystem-edges" className="subsystem-edges">
          <Table label="Connections" columns={columns} rows={mine} rowKey={(e) => `${e.from}>${e.to}`} />
        </div>
      )}
    </Card>
  );
}
