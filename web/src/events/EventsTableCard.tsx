// The latest events as a table with paging; a row opens to show its details. Rows that arrived with
// the last refresh light up briefly. While a row is open on the live first page, the table holds still.
import { type ReactNode, useState } from 'react';
import type { EventRow, EventsResponse } from '../../../src/api/types.ts';
import { formatCount, formatTime } from '../lib/format.ts';
import { subsystemColor } from '../lib/subsystemColor.ts';
import type { ApiState } from '../lib/useApi.ts';
import { Badge } from '../ui/Badge.tsx';
import { Button } from '../ui/Button.tsx';
import { Card } from '../ui/Card.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { Pager } from '../ui/Pager.tsx';
import { Spinner } from '../ui/Spinner.tsx';
import { type Column, Table } from '../ui/Table.tsx';
import { TableSkeleton } from '../ui/TableSkeleton.tsx';
import { EventDetail } from './EventDetail.tsx';
import { type EventsQuery, isLive, PAGE_SIZE, type TimeWindow } from './eventsQuery.ts';
import './EventsTableCard.css';

export interface EventsTableCardProps {
  state: ApiState<EventsResponse>;
  query: EventsQuery;
  win: TimeWindow;
  paused: boolean;
  expandedId: string | null;
  onToggle: (id: string) => void;
  onPage: (page: number) => void;
  onSearch: (q: string) => void;
}

const NO_ROWS: EventRow[] = [];

/** A request's identity without its time window: a different one means the user changed something. */
function identity(url: string | null | undefined): string {
  if (!url) return '';
  const u = new URL(url, 'http://x');
  u.searchParams.delete('from');
  u.searchParams.delete('to');
  return u.search;
}

export function EventsTableCard(props: EventsTableCardProps) {
  const { state, query, win, paused, expandedId, onToggle, onPage, onSearch } = props;
  const { data, error } = state;
  const rows = data?.rows ?? NO_ROWS;
  const fresh = useFreshIds(rows, identity(state.dataUrl));
  const switching = state.loading && identity(state.url) !== identity(state.dataUrl);
  const pageCount = data ? Math.ceil(data.total / PAGE_SIZE) : 0;
  const live = isLive(query);
  const withDate = win.seconds > 12 * 3600;

  const columns: Column<EventRow>[] = [
    {
      key: 'ts',
      header: 'Time',
      width: withDate ? '172px' : '118px',
      className: 'mono cell-time',
      render: (r) => <span title={r.ts}>{formatTime(r.ts, withDate)}</span>,
    },
    {
      key: 'subsystem',
      header: 'Subsystem',
      width: '132px',
      render: (r) => (
        <span className="cell-subsystem">
          <span className="cell-subsystem__dot" style={{ background: subsystemColor(r.subsystem) }} />
          {r.subsystem}
        </span>
      ),
    },
    { key: 'component', header: 'Component', width: '150px', className: 'mono', render: (r) => r.component },
    {
      key: 'severity',
      header: 'Severity',
      width: '104px',
      render: (r) => <Badge severity={r.severity}>{r.severity}</Badge>,
    },
    {
      key: 'type',
      header: 'Type',
      width: '170px',
      className: 'mono',
      render: (r) => <span title={r.type}>{r.type}</span>,
    },
    { key: 'message', header: 'Message', render: (r) => <span title={r.message}>{r.message}</span> },
  ];

  const first = data ? data.offset + 1 : 0;
  const last = data ? data.offset + rows.length : 0;
  const range =
    data && rows.length ? `${formatCount(first)}–${formatCount(last)} of ${formatCount(data.total)}` : '';

  let status: ReactNode = null;
  if (switching) status = <Spinner size="sm" label="Loading events" />;
  else if (paused)
    status = (
      <>
        <Badge tone="warn">Paused</Badge>
        <span className="events-table__note">while a row is open</span>
        <Button size="sm" variant="ghost" onClick={() => expandedId && onToggle(expandedId)}>
          Resume
        </Button>
      </>
    );
  else if (live && query.page > 1)
    status = (
      <>
        <span className="events-table__note">Live updates show on page 1</span>
        <Button size="sm" variant="ghost" onClick={() => onPage(1)}>
          Newest
        </Button>
      </>
    );
  else if (live) status = <Badge tone="ok">Live</Badge>;

  let body: ReactNode;
  if (error && !data) {
    body = (
      <EmptyState
        icon="alert"
        tone="danger"
        title="The events could not be loaded"
        action={
          <Button size="sm" icon="refresh" onClick={state.retry}>
            Try again
          </Button>
        }
      >
        {error.message}
      </EmptyState>
    );
  } else if (!data) {
    body = <TableSkeleton rows={8} label="Loading events" />;
  } else if (rows.length === 0) {
    const filtered = query.q !== '' || query.subsystems.length > 0;
    body = (
      <EmptyState
        title={data.total > 0 ? 'This page is past the last event' : 'No events match'}
        action={
          data.total > 0 ? (
            <Button size="sm" onClick={() => onPage(1)}>
              First page
            </Button>
          ) : query.q ? (
            <Button size="sm" onClick={() => onSearch('')}>
              Clear the search
            </Button>
          ) : undefined
        }
      >
        {data.total > 0
          ? `There are ${formatCount(data.total)} events, fewer than this page needs.`
          : filtered
            ? 'Nothing in this time window matches the filters. Widen the range or change the filters.'
            : live
              ? 'No events in this window yet. They appear here as the subsystems write them.'
              : 'No events were stored in this window.'}
      </EmptyState>
    );
  } else {
    body = (
      <div className={switching ? 'events-table is-switching' : 'events-table'} data-testid="events-table">
        <Table
          label="Latest events"
          columns={columns}
          rows={rows}
          rowKey={(r) => r.id}
          expandedKey={expandedId}
          onToggle={onToggle}
          renderExpanded={(r) => <EventDetail event={r} onSearch={onSearch} />}
          rowClassName={(r) => (fresh.has(r.id) ? 'is-new' : undefined)}
        />
        <footer className="events-table__footer">
          <span className="events-table__range">{range}</span>
          <Pager page={query.page} pageCount={pageCount} onChange={onPage} />
        </footer>
      </div>
    );
  }

  return (
    <Card
      flush
      title="Latest events"
      subtitle={data ? `${formatCount(data.total)} in the window · newest first` : 'Newest first'}
      actions={<div className="events-table__status">{status}</div>}
    >
      {error && data && (
        <div className="events-table__stale" role="status">
          Not refreshed: {error.message}
        </div>
      )}
      {body}
    </Card>
  );
}

/** Ids that were not in the previous answer to the same request (empty after a filter change). */
function useFreshIds(rows: EventRow[], key: string): Set<string> {
  const [seen, setSeen] = useState({ rows, key, fresh: new Set<string>() });
  if (seen.rows !== rows) {
    const before = new Set(seen.rows.map((r) => r.id));
    const fresh =
      seen.key === key && seen.rows.length > 0
        ? new Set(rows.filter((r) => !before.has(r.id)).map((r) => r.id))
        : new Set<string>();
    setSeen({ rows, key, fresh });
    return fresh;
  }
  return seen.fresh;
}
