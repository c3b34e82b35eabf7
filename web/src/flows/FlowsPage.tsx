// The Alert flows page: for the selected flow, its steps and SLAs, alerts per state, end-to-end
// percentiles, latency per hop (chart and table) and the alerts list by state, each opening its path.
// Live by default (every 3 s) with the same time control as the Cockpit; state lives in the URL.
import { type ReactNode, useMemo } from 'react';
import type {
  AlertState,
  FlowAlertsResponse,
  FlowHopsResponse,
  FlowsResponse,
} from '../../../src/api/types.ts';
import { apiUrl } from '../lib/api.ts';
import { navigate } from '../lib/router.ts';
import { resolveWindow, type TimeQuery } from '../lib/timeRange.ts';
import { useApi } from '../lib/useApi.ts';
import { useInterval } from '../lib/useInterval.ts';
import { useLatched } from '../lib/useLatched.ts';
import { Button } from '../ui/Button.tsx';
import { Card } from '../ui/Card.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { LoadError } from '../ui/LoadError.tsx';
import { PageHeader } from '../ui/PageHeader.tsx';
import { Spinner } from '../ui/Spinner.tsx';
import { TimeControl } from '../ui/TimeControl.tsx';
import { AlertsCard } from './AlertsCard.tsx';
import { FlowStats } from './FlowStats.tsx';
import { FlowSummary } from './FlowSummary.tsx';
import { alertHref, type FlowsQuery, flowsSearch, PAGE_SIZE, parseFlowsQuery } from './flowsQuery.ts';
import { HopsCard } from './HopsCard.tsx';
import './FlowsPage.css';

const REFRESH_MS = 3_000;

export function FlowsPage({ search }: { search: string }) {
  const query = useMemo(() => parseFlowsQuery(search), [search]);
  const now = useInterval(REFRESH_MS, !query.at);
  const win = resolveWindow(query, now);
  const flows = useApi<FlowsResponse>(apiUrl('flows', { from: win.from, to: win.to }));
  const name = query.flow || flows.data?.flows[0]?.name;
  const flow = flows.data?.flows.find((f) => f.name === name);
  const base = name ? `flows/${encodeURIComponent(name)}` : null;

  // Later pages of a live list hold their window, so paging through it is stable.
  const listWindow = useLatched(`${win.from}|${win.to}`, win.live && query.page > 1);
  const [listFrom, listTo] = listWindow.split('|');
  const hops = useApi<FlowHopsResponse>(base && apiUrl(`${base}/hops`, { from: win.from, to: win.to }));
  const alerts = useApi<FlowAlertsResponse>(
    base &&
      apiUrl(`${base}/alerts`, {
        state: query.states.join(',') || undefined,
        from: listFrom,
        to: listTo,
        limit: PAGE_SIZE,
        offset: (query.page - 1) * PAGE_SIZE,
      }),
  );

  const go = (next: FlowsQuery, replace = false) => navigate(`/flows${flowsSearch(next)}`, { replace });
  const onTime = (t: TimeQuery) => go({ ...query, range: t.range, at: t.at, page: 1 });
  const withDate = win.seconds > 6 * 3600 || new Date(win.from).toDateString() !== new Date().toDateString();

  let body: ReactNode;
  if (flows.error && !flows.data) {
    body = (
      <Card>
        <LoadError title="The flows could not be loaded" error={flows.error} onRetry={flows.retry} />
      </Card>
    );
  } else if (!flows.data) {
    body = (
      <div className="flows-page__loading">
        <Spinner size="lg" label="Loading the flows" />
      </div>
    );
  } else if (flows.data.flows.length === 0) {
    body = (
      <Card>
        <EmptyState icon="alerts" title="No flows declared">
          Declare the path an alert takes under <code>flows:</code> in <code>mortar.yaml</code> (steps matched
          by subsystem and type, joined by their keys), then restart the server.
        </EmptyState>
      </Card>
    );
  } else if (!flow) {
    body = (
      <Card>
        <EmptyState
          icon="alerts"
          title={`No flow named “${query.flow}”`}
          action={
            <Button size="sm" onClick={() => go({ ...query, flow: '', page: 1 })}>
              Show {flows.data.flows[0]!.name}
            </Button>
          }
        >
          This server declares {flows.data.flows.map((f) => f.name).join(', ')}.
        </EmptyState>
      </Card>
    );
  } else {
    body = (
      <>
        <FlowSummary
          flow={flow}
          flows={flows.data.flows.map((f) => f.name)}
          onFlow={(f) => go({ ...query, flow: f, page: 1 })}
        />
        <FlowStats flow={flow} failed={false} />
        <HopsCard state={hops} steps={flow.steps} live={win.live} />
        <AlertsCard
          state={alerts}
          flow={flow}
          states={query.states}
          page={query.page}
          live={win.live}
          withDate={withDate}
          onStates={(states: AlertState[]) => go({ ...query, states, page: 1 })}
          onPage={(page) => go({ ...query, page })}
          onOpen={(root) => navigate(alertHref(flow.name, root, flowsSearch(query)))}
        />
      </>
    );
  }

  return (
    <div className="page flows-page">
      <PageHeader
        title="Alert flows"
        subtitle={
          win.live
            ? 'How quickly alerts move through the system, per hop and end to end. Updating every 3 s.'
            : 'How quickly alerts moved through the system, per hop and end to end, in a past window.'
        }
        actions={<TimeControl query={query} win={win} onChange={onTime} />}
      />
      {body}
    </div>
  );
}
