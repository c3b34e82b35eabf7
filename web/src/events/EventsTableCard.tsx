// The latest events as a table with paging; a row opens to show its details. Rows that arrived with
// the last refresh light up briefly. While a row is open on the live first page, the table holds still.
import type { ReactNode } from 'react';
import type { EventRow, EventsResponse } from '../../../src/api/types.ts';
import { formatCount, formatTime } from '../lib/format.ts';
import { requestIdentity } from '../lib/requestIdentity.ts';
import { subsystemColor } from '../lib/subsystemColor.ts';
import type { ApiState } from '../lib/useApi.ts';
import { useFreshIds } from '../lib/useFreshIds.ts';
import { Badge } from '../ui/Badge.tsx';
import { Button } from '../ui/Button.tsx';
import { Card } from '../ui/Card.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { LoadState } from '../ui/LoadState.tsx';
import { PagedTable } from '../ui/PagedTable.tsx';
import { Spinner } from '../ui/Spinner.tsx';
import { StaleNote } from '../ui/StaleNote.tsx';
import type { Column } from '../ui/Table.tsx';
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

export function EventsTableCard(props: EventsTableCardProps) {
  const { state, query, win, paused, expandedId, onToggle, onPage, onSearch } = props;
  const { data, error } = state;
  const rows = data?.rows ?? NO_ROWS;
  const fresh = useFreshIds(rows, requestIdentity(state.dataUrl, 'from', 'to'));
  const switching =
    state.loading &&
    requestIdentity(state.url, 'from', 'to') !== requestIdentity(state.dataUrl, 'from', 'to');
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

  let status: ReactNode = null;
  if (switching) status = <Spinner size="sm" label="Loading events" />;
  else if (paused)
    status = (
      <>
        <Badge tone="warn">Paused</Badge>
        <span className="card__note">while a row is open</span>
        <Button size="sm" variant="ghost" onClick={() => expandedId && onToggle(expandedId)}>
          Resume
        </Button>
      </>
    );
  else if (live && query.page > 1)
    status = (
      <>
        <span className="card__note">Live updates show on page 1</span>
        <Button size="sm" variant="ghost" onClick={() => onPage(1)}>
          Newest
        </Button>
      </>
    );
  else if (live) status = <Badge tone="ok">Live</Badge>;

  const filtered = query.q !== '' || query.subsystems.length > 0;
  const body = (
    <LoadState
      data={data}
      error={error}
      onRetry={state.retry}
      errorTitle="The events could not be loaded"
      loading={<TableSkeleton rows={8} label="Loading events" />}
      isEmpty={(d) => d.rows.length === 0}
      empty={(d) => (
        <EmptyState
          title={d.total > 0 ? 'This page is past the last event' : 'No events match'}
          action={
            d.total > 0 ? (
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
          {d.total > 0
            ? `There are ${formatCount(d.total)} events, fewer than this page needs.`
            : filtered
              ? 'Nothing in this time window matches the filters. Widen the range or change the filters.'
              : live
                ? 'No events in this window yet. They appear here as the subsystems write them.'
                : 'No events were stored in this window.'}
        </EmptyState>
      )}
    >
      {(d) => (
        <PagedTable
          className="events-table"
          testId="events-table"
          switching={switching}
          paging={{ offset: d.offset, total: d.total, page: query.page, pageCount, onPage }}
          label="Latest events"
          columns={columns}
          rows={rows}
          rowKey={(r) => r.id}
          expandedKey={expandedId}
          onToggle={onToggle}
          renderExpanded={(r) => <EventDetail event={r} onSearch={onSearch} />}
          rowClassName={(r) => (fresh.has(r.id) ? 'is-new' : undefined)}
        />
      )}
    </LoadState>
  );

  return (
    <Card
      flush
      title="Latest events"
      subtitle={data ? `${formatCount(data.total)} in the window · newest first` : 'Newest first'}
      actions={<div className="card__status">{status}</div>}
    >
      {error && data && <StaleNote banner error={error} />}
      {body}
    </Card>
  );
}
