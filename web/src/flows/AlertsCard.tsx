// The alerts of the selected flow, filtered by state (chips with counts; by default the ones that need
// attention: late, stuck, lost), newest first, with each alert's path as step dots; a row opens the
// alert's path drill-down.
import type { AlertState, FlowAlertsResponse, FlowsResponse } from '../../../src/api/types.ts';
import { formatCount, formatMs, formatTime } from '../lib/format.ts';
import { requestIdentity } from '../lib/requestIdentity.ts';
import type { ApiState } from '../lib/useApi.ts';
import { Button } from '../ui/Button.tsx';
import { Card } from '../ui/Card.tsx';
import { ChipSelect } from '../ui/ChipSelect.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { LoadState } from '../ui/LoadState.tsx';
import { PagedTable } from '../ui/PagedTable.tsx';
import { Spinner } from '../ui/Spinner.tsx';
import { StaleNote } from '../ui/StaleNote.tsx';
import type { Column } from '../ui/Table.tsx';
import { TableSkeleton } from '../ui/TableSkeleton.tsx';
import { AlertStateBadge, STATE_LOOK } from './AlertStateBadge.tsx';
import { alertPath } from './flowSteps.ts';
import { PAGE_SIZE, STATES } from './flowsQuery.ts';
import { StepDots } from './StepDots.tsx';
import './AlertsCard.css';

type Row = FlowAlertsResponse['rows'][number];
type Flow = FlowsResponse['flows'][number];

export interface AlertsCardProps {
  state: ApiState<FlowAlertsResponse>;
  flow: Flow;
  states: AlertState[];
  page: number;
  live: boolean;
  withDate: boolean;
  onStates: (states: AlertState[]) => void;
  onPage: (page: number) => void;
  onOpen: (root: string) => void;
}

const OR = new Intl.ListFormat('en', { type: 'disjunction' });

const STATE_COLOR: Record<AlertState, string> = {
  in_flight: 'var(--brand)',
  complete: 'var(--ok)',
  late: 'var(--warn)',
  stuck: 'var(--warn)',
  lost: 'var(--danger)',
};

export function AlertsCard(props: AlertsCardProps) {
  const { state, flow, states, page, live, withDate, onStates, onPage, onOpen } = props;
  const { data, error } = state;
  const rows = data?.rows ?? [];
  const pageCount = data ? Math.ceil(data.total / PAGE_SIZE) : 0;
  const switching =
    state.loading &&
    requestIdentity(state.url, 'from', 'to') !== requestIdentity(state.dataUrl, 'from', 'to');

  const columns: Column<Row>[] = [
    {
      key: 'start',
      header: 'Started',
      width: withDate ? '172px' : '118px',
      className: 'mono alerts__time',
      render: (r) => <span title={r.start}>{formatTime(r.start, withDate)}</span>,
    },
    { key: 'root', header: 'Alert', width: '150px', className: 'mono', render: (r) => r.root },
    { key: 'state', header: 'State', width: '112px', render: (r) => <AlertStateBadge state={r.state} /> },
    {
      key: 'path',
      header: 'Path',
      width: `${Math.max(120, flow.steps.length * 18 + 24)}px`,
      render: (r) => <StepDots path={alertPath(flow.steps, r.steps, r.hiddenSteps)} />,
    },
    {
      key: 'e2e',
      header: 'End to end',
      width: '110px',
      align: 'right',
      render: (r) =>
        r.e2eMs === undefined ? (
          <span className="alerts__none">–</span>
        ) : (
          <span className={flow.slaMs !== undefined && r.e2eMs > flow.slaMs ? 'alerts__bad' : undefined}>
            {formatMs(r.e2eMs)}
          </span>
        ),
    },
    {
      key: 'missing',
      header: 'First missing step',
      render: (r) =>
        r.missing ? (
          <span className="alerts__missing">
            {r.missing}
            {r.gaps > 0 && (
              <span className="alerts__gaps">
                {' '}
                · {r.gaps} gap{r.gaps === 1 ? '' : 's'} in the logs
              </span>
            )}
          </span>
        ) : r.gaps > 0 ? (
          <span className="alerts__gaps">
            {r.gaps} gap{r.gaps === 1 ? '' : 's'} in the logs
          </span>
        ) : (
          <span className="alerts__none">–</span>
        ),
    },
  ];

  const which = OR.format(states.map((s) => STATE_LOOK[s].label.toLowerCase()));
  const body = (
    <LoadState
      data={data}
      error={error}
      onRetry={state.retry}
      errorTitle="The alerts could not be loaded"
      loading={<TableSkeleton rows={6} label="Loading alerts" />}
      isEmpty={(d) => d.rows.length === 0}
      empty={(d) => (
        <EmptyState
          compact
          icon="alerts"
          title={
            d.total > 0 ? 'This page is past the last alert' : which ? `No ${which} alerts` : 'No alerts'
          }
          action={
            d.total > 0 ? (
              <Button size="sm" onClick={() => onPage(1)}>
                First page
              </Button>
            ) : states.length ? (
              <Button size="sm" onClick={() => onStates([])}>
                Show every state
              </Button>
            ) : undefined
          }
        >
          {d.total > 0
            ? `There are ${formatCount(d.total)} alerts, fewer than this page needs.`
            : which
              ? `No alert that started in this window is ${which}.${live ? ' Good news.' : ''}`
              : live
                ? 'No alert of this flow started in this window yet.'
                : 'No alert of this flow started in this window.'}
        </EmptyState>
      )}
    >
      {(d) => (
        <PagedTable
          className="alerts"
          testId="alerts-table"
          switching={switching}
          paging={{ offset: d.offset, total: d.total, page, pageCount, onPage }}
          label="Alerts"
          columns={columns}
          rows={rows}
          rowKey={(r) => r.root}
          onRowClick={(r) => onOpen(r.root)}
        />
      )}
    </LoadState>
  );

  return (
    <Card
      flush
      title="Alerts"
      subtitle={
        data
          ? `${formatCount(data.total)} ${states.length ? 'with these states' : 'in all'} · newest first · click one for its path`
          : 'Newest first'
      }
      actions={switching ? <Spinner size="sm" label="Loading alerts" /> : undefined}
    >
      <div className="alerts__filters">
        <span className="alerts__filter-label">State</span>
        <ChipSelect
          label="Alert state"
          selected={states}
          onChange={(s) => onStates(s as AlertState[])}
          options={STATES.map((s) => ({
            value: s,
            label: STATE_LOOK[s].label,
            color: STATE_COLOR[s],
            count: flow.counts[s] ?? 0,
          }))}
        />
      </div>
      {error && data && <StaleNote banner error={error} />}
      {body}
    </Card>
  );
}
