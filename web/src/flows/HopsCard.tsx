// Latency per hop of the selected flow: the chart of p95 against each hop's SLA (loaded lazily with
// ECharts), then the table: from → to, alerts, p50/p95/p99/max, SLA, breaches, and hops stamped
// backwards flagged as possible clock skew.
import { lazy, Suspense } from 'react';
import type { FlowHopsResponse, FlowStepInfo } from '../../../src/api/types.ts';
import { formatCount, formatMs, formatPercent } from '../lib/format.ts';
import { subsystemColor } from '../lib/subsystemColor.ts';
import type { ApiState } from '../lib/useApi.ts';
import { Badge } from '../ui/Badge.tsx';
import { Card } from '../ui/Card.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { LoadState } from '../ui/LoadState.tsx';
import { Spinner } from '../ui/Spinner.tsx';
import { StaleNote } from '../ui/StaleNote.tsx';
import { type Column, Table } from '../ui/Table.tsx';
import { TableSkeleton } from '../ui/TableSkeleton.tsx';
import { stepColorKey, stepSubsystem } from './flowSteps.ts';
import './HopsCard.css';

const HopChart = lazy(() => import('./HopChart.tsx').then((m) => ({ default: m.HopChart })));

type Hop = FlowHopsResponse['hops'][number];

export interface HopsCardProps {
  state: ApiState<FlowHopsResponse>;
  steps: FlowStepInfo[];
  live: boolean;
}

export function HopsCard({ state, steps, live }: HopsCardProps) {
  const { data, error } = state;
  const defs = new Map(steps.map((s) => [s.name, s]));
  const hops = data?.hops ?? [];
  const dash = <span className="hops__none">–</span>;

  const stepCell = (name: string) => {
    const def = defs.get(name);
    return (
      <span
        className="hops__step"
        title={def ? `${stepSubsystem(def) ?? ''} · ${[def.type].flat().join(' | ')}` : name}
      >
        <span className="hops__dot" style={{ background: subsystemColor(def ? stepColorKey(def) : name) }} />
        {name}
      </span>
    );
  };
  const columns: Column<Hop>[] = [
    {
      key: 'hop',
      header: 'Hop',
      width: '300px',
      render: (h) => (
        <span className="hops__hop" title={`${h.fromComponents.join(', ')} → ${h.toComponents.join(', ')}`}>
          {stepCell(h.from)}
          <span className="hops__arrow">→</span>
          {stepCell(h.to)}
        </span>
      ),
    },
    {
      key: 'count',
      header: 'Alerts',
      width: '84px',
      align: 'right',
      render: (h) => (
        <span data-testid="hop-count" data-value={h.count}>
          {formatCount(h.count)}
        </span>
      ),
    },
    { key: 'p50', header: 'p50', width: '84px', align: 'right', render: (h) => formatMs(h.p50) },
    {
      key: 'p95',
      header: 'p95',
      width: '84px',
      align: 'right',
      render: (h) => (
        <span className={h.slaMs !== undefined && h.p95 > h.slaMs ? 'hops__bad' : 'hops__strong'}>
          {formatMs(h.p95)}
        </span>
      ),
    },
    { key: 'p99', header: 'p99', width: '84px', align: 'right', render: (h) => formatMs(h.p99) },
    { key: 'max', header: 'Max', width: '84px', align: 'right', render: (h) => formatMs(h.max) },
    {
      key: 'sla',
      header: 'SLA',
      width: '84px',
      align: 'right',
      render: (h) => (h.slaMs === undefined ? dash : formatMs(h.slaMs)),
    },
    {
      key: 'breaches',
      header: 'Breaches',
      width: '120px',
      align: 'right',
      render: (h) =>
        h.slaMs === undefined ? (
          dash
        ) : h.breaches > 0 ? (
          <span className="hops__bad">
            {formatCount(h.breaches)} · {formatPercent(h.breaches / Math.max(1, h.count))}
          </span>
        ) : (
          '0'
        ),
    },
    {
      key: 'skew',
      header: 'Clock',
      render: (h) =>
        h.negative > 0 ? (
          <span data-testid="hop-skew">
            <Badge
              tone="warn"
              title={`${formatCount(h.negative)} hop${h.negative === 1 ? '' : 's'} stamped before the step they follow: the clocks of ${h.fromComponents.join(', ')} and ${h.toComponents.join(', ')} may disagree`}
            >
              clock skew? {formatCount(h.negative)}
            </Badge>
          </span>
        ) : (
          <span className="hops__none">in order</span>
        ),
    },
  ];

  const body = (
    <LoadState
      data={data}
      error={error}
      onRetry={state.retry}
      errorTitle="The hops could not be loaded"
      loading={<TableSkeleton rows={6} label="Loading hops" widths={['24%', '7%', '7%', '7%', '7%', '7%']} />}
      isEmpty={(d) => d.hops.length === 0}
      empty={() => (
        <EmptyState compact icon="clock" title="No hops in this window">
          {live
            ? 'Hops appear once alerts have passed two steps; the flows are computed about once a second.'
            : 'No alert of this flow started in this window. Pick another one.'}
        </EmptyState>
      )}
    >
      {() => (
        <>
          <div className="hops__chart">
            <div className="hops__legend" aria-hidden="true">
              <span>
                <i className="hops__key hops__key--p95" /> p95
              </span>
              <span>
                <i className="hops__key hops__key--p50" /> p50
              </span>
              <span>
                <i className="hops__key hops__key--sla" /> SLA
              </span>
              <span>
                <i className="hops__key hops__key--bad" /> p95 over its SLA
              </span>
              <span className="hops__scale">log scale</span>
            </div>
            <Suspense fallback={<ChartLoading rows={hops.length} />}>
              <HopChart hops={hops} />
            </Suspense>
          </div>
          <div data-testid="hops-table">
            <Table
              label="Latency per hop"
              columns={columns}
              rows={hops}
              rowKey={(h) => `${h.from}>${h.to}`}
            />
          </div>
        </>
      )}
    </LoadState>
  );

  return (
    <Card
      flush
      title="Latency per hop"
      subtitle="Between consecutive steps of the alerts that started in the window"
      actions={error && data ? <StaleNote error={error} maxWidth={320} /> : undefined}
    >
      {body}
    </Card>
  );
}

function ChartLoading({ rows }: { rows: number }) {
  return (
    <div className="hops__chart-loading" style={{ height: 48 + rows * 34 }}>
      <Spinner label="Loading the chart" />
    </div>
  );
}
