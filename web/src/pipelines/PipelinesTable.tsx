// The configured pipelines as a table: what each captures and how (source, globs, step chips), its
// status, the counters with their rates between the last two polls, lag and files. A row opens the
// pipeline's page.
import type { ReactNode } from 'react';
import type { PipelineInfo } from '../../../src/api/types.ts';
import { formatBytes, formatCount, formatPerSecond } from '../lib/format.ts';
import { linkHandler, navigate } from '../lib/router.ts';
import { subsystemColor } from '../lib/subsystemColor.ts';
import { type Column, Table } from '../ui/Table.tsx';
import { PipelineChain } from './PipelineChain.tsx';
import { pipelineHref } from './pipelineHref.ts';
import { latestRates, type PipelineHealth, type Rates, unreadBytes } from './pipelineMetrics.ts';
import type { Sample } from './pipelinesStore.ts';
import { StatusBadge } from './StatusBadge.tsx';
import './PipelinesTable.css';

export interface PipelinesTableProps {
  pipelines: PipelineInfo[];
  samples: Sample[];
  health: Record<string, PipelineHealth>;
}

export function PipelinesTable({ pipelines, samples, health }: PipelinesTableProps) {
  const rates: Record<string, Rates | null> = {};
  for (const p of pipelines) rates[p.name] = latestRates(samples, p.name);

  const counter =
    (field: 'read' | 'events' | 'deadLetters' | 'filtered', danger = false) =>
    (p: PipelineInfo) => {
      const n = p.status?.[field];
      if (n === undefined) return <span className="pl-cell__none">–</span>;
      const r = rates[p.name]?.[field];
      return (
        <Two
          main={<span className={danger && n > 0 ? 'pl-cell__danger' : undefined}>{formatCount(n)}</span>}
          sub={r === undefined ? 'measuring…' : formatPerSecond(r)}
          testId={`count-${field}`}
          value={n}
        />
      );
    };

  const columns: Column<PipelineInfo>[] = [
    {
      key: 'name',
      header: 'Pipeline',
      width: '160px',
      render: (p) => (
        <Two
          main={
            <a
              className="pl-cell__name"
              href={pipelineHref(p.name)}
              onClick={(e) => {
                e.stopPropagation();
                linkHandler(pipelineHref(p.name))(e);
              }}
            >
              {p.name}
            </a>
          }
          sub={
            <span className="pl-cell__subsystem">
              <span className="pl-cell__dot" style={{ background: subsystemColor(p.subsystem) }} />
              {p.subsystem}
            </span>
          }
        />
      ),
    },
    {
      key: 'capture',
      header: 'Source and steps',
      render: (p) => (
        <Two
          main={<PipelineChain pipeline={p} />}
          sub={
            <span className="mono" title={(p.source.include ?? []).join('\n')}>
              {p.source.type}
              {p.source.include?.length ? ` · ${p.source.include.join(', ')}` : ''}
            </span>
          }
        />
      ),
    },
    {
      key: 'status',
      header: 'Status',
      width: '104px',
      render: (p) => (health[p.name] ? <StatusBadge health={health[p.name]!} /> : null),
    },
    { key: 'read', header: 'Read', width: '92px', align: 'right', render: counter('read') },
    { key: 'events', header: 'Events', width: '92px', align: 'right', render: counter('events') },
    {
      key: 'dead',
      header: 'Dead letters',
      width: '118px',
      align: 'right',
      render: counter('deadLetters', true),
    },
    { key: 'filtered', header: 'Filtered', width: '86px', align: 'right', render: counter('filtered') },
    {
      key: 'lag',
      header: 'Lag',
      width: '96px',
      align: 'right',
      render: (p) =>
        p.status ? (
          <Two
            main={
              <span className={p.status.bytesBehind > 0 ? undefined : 'pl-cell__quiet'}>
                {formatBytes(p.status.bytesBehind)}
              </span>
            }
            sub={<span title={lagTitle(p.status)}>{lagState(p.status)}</span>}
          />
        ) : (
          <span className="pl-cell__none">–</span>
        ),
    },
    {
      key: 'files',
      header: 'Files',
      width: '112px',
      align: 'right',
      render: (p) =>
        p.status ? (
          <Two
            main={
              <span title={`${p.status.filesOpen} open of ${p.status.filesKnown} known`}>
                {p.status.filesOpen} / {p.status.filesKnown}
              </span>
            }
            sub={
              <span title="Rotations · truncations">
                {p.status.rotations ?? 0} rot · {p.status.truncations ?? 0} trunc
              </span>
            }
          />
        ) : (
          <span className="pl-cell__none">–</span>
        ),
    },
  ];

  return (
    <div className="pipelines-table" data-testid="pipelines-table">
      <Table
        label="Pipelines"
        columns={columns}
        rows={pipelines}
        rowKey={(p) => p.name}
        onRowClick={(p) => navigate(pipelineHref(p.name))}
      />
    </div>
  );
}

/** A cell of two lines: the figure and, smaller, what goes with it. */
function Two({
  main,
  sub,
  testId,
  value,
}: {
  main: ReactNode;
  sub: ReactNode;
  testId?: string;
  value?: number;
}) {
  return (
    <div className="pl-cell" data-testid={testId} data-value={value}>
      <div className="pl-cell__main">{main}</div>
      <div className="pl-cell__sub">{sub}</div>
    </div>
  );
}

type LagCounters = { bytesBehind: number; bytesHeld?: number; bytesRead: number };

/** Caught up, behind (bytes not read yet), or held: everything read, a record still open. */
function lagState(c: LagCounters): 'caught up' | 'behind' | 'held' {
  if (c.bytesBehind <= 0) return 'caught up';
  return unreadBytes(c) > 0 ? 'behind' : 'held';
}

function lagTitle(c: LagCounters): string {
  const read = `${formatBytes(c.bytesRead)} read so far`;
  const held = c.bytesHeld ?? 0;
  if (held <= 0) return read;
  return `${read}; ${formatBytes(held)} read and held in a record still open (a multiline record waiting for the next one's start or its timeout, or a line without its newline yet)`;
}
