// Dead letters as a card: a table (received, pipeline, stage, reason, file:offset, raw) whose rows
// open to the detail, paging, and deliberate loading, error and empty states. Newest first; rows that
// arrived with the last refresh light up briefly. Used by the Dead letters page and a pipeline's page.
import type { ReactNode } from 'react';
import type { DeadLettersResponse } from '../../../src/api/types.ts';
import { formatCount, formatTime } from '../lib/format.ts';
import { requestIdentity } from '../lib/requestIdentity.ts';
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
import { Tag } from '../ui/Tag.tsx';
import { DeadLetterDetail, type DeadLetterRow } from './DeadLetterDetail.tsx';
import { RawLine } from './RawLine.tsx';
import './DeadLettersCard.css';

export interface DeadLettersCardProps {
  state: ApiState<DeadLettersResponse>;
  title: string;
  page: number;
  pageSize: number;
  openId: string;
  /** The table shows the pipeline column (every pipeline) or not (one pipeline's page). */
  showPipeline: boolean;
  /** Colour dot per pipeline name. */
  colorOf?: (pipeline: string) => string;
  onPage: (page: number) => void;
  onToggle: (id: string) => void;
  /** Says what an empty first page means here. */
  emptyText: ReactNode;
  /** Extra content above the table, e.g. filters. */
  toolbar?: ReactNode;
  /** A smaller empty state, for a card that is one of several on a page. */
  compactEmpty?: boolean;
  testId?: string;
}

const NO_ROWS: DeadLetterRow[] = [];

export function DeadLettersCard(props: DeadLettersCardProps) {
  const {
    state,
    title,
    page,
    pageSize,
    openId,
    showPipeline,
    colorOf,
    onPage,
    onToggle,
    emptyText,
    toolbar,
  } = props;
  const { data, error } = state;
  const rows = data?.rows ?? NO_ROWS;
  const fresh = useFreshIds(rows, state.dataUrl ?? '');
  const switching =
    state.loading &&
    (state.url !== state.dataUrl ||
      requestIdentity(state.url, 'offset') !== requestIdentity(state.dataUrl, 'offset'));
  const pageCount = data ? Math.ceil(data.total / pageSize) : 0;
  const today = new Date().toDateString();
  const withDate = rows.some((r) => new Date(r.receivedAt).toDateString() !== today);

  const columns: Column<DeadLetterRow>[] = [
    {
      key: 'received',
      header: 'Received',
      width: withDate ? '172px' : '118px',
      className: 'mono cell-time',
      render: (r) => <span title={r.receivedAt}>{formatTime(r.receivedAt, withDate)}</span>,
    },
    ...(showPipeline
      ? [
          {
            key: 'pipeline',
            header: 'Pipeline',
            width: '136px',
            render: (r: DeadLetterRow) => (
              <span className="dl-cell-pipeline">
                <span className="dl-cell-pipeline__dot" style={{ background: colorOf?.(r.pipeline) }} />
                {r.pipeline}
              </span>
            ),
          },
        ]
      : []),
    {
      key: 'stage',
      header: 'Stage',
      width: '112px',
      render: (r) => (
        <Tag tone="danger" title={`Rejected at ${r.stage}`}>
          {r.stage}
        </Tag>
      ),
    },
    {
      key: 'reason',
      header: 'Reason',
      width: '27%',
      render: (r) => (
        <span className="dl-cell-reason" title={r.reason}>
          {r.reason}
        </span>
      ),
    },
    {
      key: 'where',
      header: 'File:offset',
      width: '176px',
      className: 'mono dl-cell-where',
      render: (r) => <span title={`${r.file} at byte ${r.offset}`}>{`${baseName(r.file)}:${r.offset}`}</span>,
    },
    {
      key: 'raw',
      header: 'Raw',
      className: 'dl-cell-raw',
      render: (r) => <RawLine raw={r.raw} reason={r.reason} inline />,
    },
  ];

  let status: ReactNode = null;
  if (switching) status = <Spinner size="sm" label="Loading dead letters" />;
  else if (page > 1)
    status = (
      <>
        <span className="card__note">Live updates show on page 1</span>
        <Button size="sm" variant="ghost" onClick={() => onPage(1)}>
          Newest
        </Button>
      </>
    );
  else if (data) status = <Badge tone="ok">Live</Badge>;

  const body = (
    <LoadState
      data={data}
      error={error}
      onRetry={state.retry}
      errorTitle="The dead letters could not be loaded"
      loading={
        <TableSkeleton rows={5} label="Loading dead letters" widths={['9%', '10%', '9%', '26%', '14%']} />
      }
      isEmpty={(d) => d.rows.length === 0}
      empty={(d) => (
        <div data-testid="dead-letters-empty">
          <EmptyState
            icon="inbox"
            compact={props.compactEmpty}
            title={d.total > 0 ? 'This page is past the last dead letter' : 'No dead letters'}
            action={
              d.total > 0 ? (
                <Button size="sm" onClick={() => onPage(1)}>
                  First page
                </Button>
              ) : undefined
            }
          >
            {d.total > 0 ? `There are ${formatCount(d.total)}, fewer than this page needs.` : emptyText}
          </EmptyState>
        </div>
      )}
    >
      {(d) => (
        <PagedTable
          className="dl-table"
          testId={props.testId ?? 'dead-letters-table'}
          switching={switching}
          paging={{ offset: d.offset, total: d.total, page, pageCount, onPage }}
          label={title}
          columns={columns}
          rows={rows}
          rowKey={(r) => r.id}
          expandedKey={openId || null}
          onToggle={onToggle}
          renderExpanded={(r) => <DeadLetterDetail row={r} showOpenPipeline={showPipeline} />}
          rowClassName={(r) => (fresh.has(r.id) ? 'is-new' : undefined)}
        />
      )}
    </LoadState>
  );

  return (
    <Card
      flush
      title={title}
      subtitle={data ? `${formatCount(data.total)} kept · newest first` : 'Newest first'}
      actions={<div className="card__status">{status}</div>}
    >
      {toolbar}
      {error && data && <StaleNote banner error={error} />}
      {body}
    </Card>
  );
}

function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i === -1 ? path : path.slice(i + 1);
}
