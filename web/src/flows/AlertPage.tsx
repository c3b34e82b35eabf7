// One alert's path (`/flows/:name/alerts/:root`): its state, start, end-to-end latency and first
// missing step, then every declared step as a vertical timeline with the time, component, latency
// from the step it follows against that step's SLA, and the raw line each step was read from. The
// query of the list it came from is kept, so "Alert flows" leads back to the same list. It refreshes
// every 3 s, as an alert in flight, stuck or lost can still change.
import type { ReactNode } from 'react';
import type { FlowAlertResponse, FlowsResponse } from '../../../src/api/types.ts';
import { apiUrl } from '../lib/api.ts';
import { formatMs, formatTime } from '../lib/format.ts';
import { navigate } from '../lib/router.ts';
import { useApi } from '../lib/useApi.ts';
import { useInterval } from '../lib/useInterval.ts';
import { Button } from '../ui/Button.tsx';
import { Card } from '../ui/Card.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { PageHeader } from '../ui/PageHeader.tsx';
import { Spinner } from '../ui/Spinner.tsx';
import { StaleNote } from '../ui/StaleNote.tsx';
import { Stat } from '../ui/Stat.tsx';
import { AlertStateBadge, STATE_LOOK } from './AlertStateBadge.tsx';
import { AlertTimeline } from './AlertTimeline.tsx';
import './AlertPage.css';

const REFRESH_MS = 3_000;

export interface AlertPageProps {
  flow: string;
  root: string;
  /** The Alert flows list's query, kept for the way back. */
  search: string;
}

export function AlertPage({ flow, root, search }: AlertPageProps) {
  const path = `flows/${encodeURIComponent(flow)}/alerts/${encodeURIComponent(root)}`;
  // A cheap request: it simply repeats; a settled alert (complete, late) answers the same each time.
  const tick = useInterval(REFRESH_MS, true);
  const alert = useApi<FlowAlertResponse>(apiUrl(path, {}), tick);
  const flows = useApi<FlowsResponse>('/api/flows');
  const def = flows.data?.flows.find((f) => f.name === flow);
  const backParams = new URLSearchParams(search);
  if (!backParams.get('flow')) backParams.set('flow', flow);
  const back = {
    href: `/flows?${backParams.toString().replaceAll('%2C', ',').replaceAll('%3A', ':')}`,
    label: 'Alert flows',
  };
  const { data, error } = alert;

  if (!data) {
    let body: ReactNode;
    if (error)
      body = (
        <EmptyState
          icon="alert"
          tone={error.message.startsWith('no alert') ? 'default' : 'danger'}
          title={
            error.message.startsWith('no alert')
              ? `No alert “${root}” in the ${flow} flow`
              : 'The alert could not be loaded'
          }
          action={
            <Button size="sm" onClick={() => navigate(back.href)}>
              Back to the list
            </Button>
          }
        >
          {error.message}
        </EmptyState>
      );
    else
      body = (
        <div className="alert-page__loading">
          <Spinner size="lg" label="Loading the alert" />
        </div>
      );
    return (
      <div className="page alert-page">
        <PageHeader title={root} back={back} />
        <Card>{body}</Card>
      </div>
    );
  }

  const settled = data.state === 'complete' || data.state === 'late';
  const seen = data.steps.filter((s) => s.ts).length;
  const sla = def?.slaMs;
  const over = data.e2eMs !== undefined && sla !== undefined && data.e2eMs > sla;
  return (
    <div className="page alert-page" data-testid="alert-page">
      <PageHeader
        back={back}
        title={<span className="alert-page__root">{root}</span>}
        aside={<AlertStateBadge state={data.state} />}
        subtitle={`${flow} flow · ${STATE_LOOK[data.state].text}`}
        actions={
          error ? (
            <StaleNote error={error} />
          ) : !settled ? (
            <span className="alert-page__live">Updating while the alert is open</span>
          ) : undefined
        }
      />
      <div className="stat-grid">
        <Stat
          label="Started"
          value={formatTime(data.start, false, false)}
          hint={formatTime(data.start, true)}
        />
        <Stat
          label="End to end"
          value={data.e2eMs === undefined ? '–' : formatMs(data.e2eMs)}
          tone={over ? 'warn' : 'default'}
          hint={sla === undefined ? 'no SLA declared' : `SLA ${formatMs(sla)}`}
        />
        <Stat
          label="Steps seen"
          value={`${seen} of ${data.steps.length}`}
          hint={`${data.steps.filter((s) => s.breach).length} over their SLA`}
        />
        <Stat
          label="First missing step"
          value={data.missing ?? '–'}
          tone={data.missing && (data.state === 'lost' || data.state === 'stuck') ? 'warn' : 'default'}
          hint={data.missing ? 'not seen (yet)' : 'none: every required step seen'}
        />
      </div>
      <Card
        title="Path"
        subtitle="Each declared step with the line it was read from; latency from the step it follows"
      >
        <AlertTimeline alert={data} steps={def?.steps} />
      </Card>
    </div>
  );
}
