// The Subsystem page (/subsystems/:name): its health now (or at the window's end) with its
// components, a health timeline per component over the window, availability with the time without
// data shown apart, its event volume and latest events, and its connections. Same time control as
// the Cockpit (range, at, all in the URL); live by default, refreshing every 5 s.
import { useMemo } from 'react';
import type {
  AvailabilityResponse,
  EventsResponse,
  StatesHistoryResponse,
  StatesResponse,
  SubsystemsResponse,
  TopologyResponse,
  VolumeResponse,
} from '../../../src/api/types.ts';
import { apiUrl } from '../lib/api.ts';
import { formatCount } from '../lib/format.ts';
import { navigate } from '../lib/router.ts';
import { resolveWindow, type TimeQuery } from '../lib/timeRange.ts';
import { useApi } from '../lib/useApi.ts';
import { useInterval } from '../lib/useInterval.ts';
import { Card } from '../ui/Card.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { LoadError } from '../ui/LoadError.tsx';
import { PageHeader } from '../ui/PageHeader.tsx';
import { Spinner } from '../ui/Spinner.tsx';
import { Stat } from '../ui/Stat.tsx';
import { TimeControl } from '../ui/TimeControl.tsx';
import { availabilityText, ComponentsCard, HealthMarks, noDataText } from './ComponentsCard.tsx';
import { EdgesCard } from './EdgesCard.tsx';
import { EventsCard } from './EventsCard.tsx';
import { HealthBadge } from './HealthBadge.tsx';
import { HealthTimeline } from './HealthTimeline.tsx';
import { HEALTH_HINT } from './health.ts';
import { eventsHref, parseSubsystemQuery, subsystemSearch } from './subsystemQuery.ts';
import './SubsystemPage.css';

const REFRESH_MS = 5_000;

export function SubsystemPage({ name, search }: { name: string; search: string }) {
  const query = useMemo(() => parseSubsystemQuery(search), [search]);
  const now = useInterval(REFRESH_MS, !query.at);
  const win = resolveWindow(query, now);
  const withDate = win.seconds > 6 * 3600 || new Date(win.from).toDateString() !== new Date().toDateString();
  const range = { from: win.from, to: win.to };

  const subsystems = useApi<SubsystemsResponse>('/api/subsystems', win.live ? now : undefined);
  const states = useApi<StatesResponse>(apiUrl('states', { at: query.at }), win.live ? now : undefined);
  const history = useApi<StatesHistoryResponse>(
    apiUrl('states/history', { ...range, subsystem: name, level: 'subsystem,component' }),
  );
  const avail = useApi<AvailabilityResponse>(apiUrl('availability', range));
  const topo = useApi<TopologyResponse>(apiUrl('topology', range));
  const bucket = Math.max(10, Math.round(win.seconds / 60));
  const volume = useApi<VolumeResponse>(apiUrl('volume', { ...range, subsystem: name, bucket }));
  const events = useApi<EventsResponse>(apiUrl('events', { ...range, subsystem: name, limit: 8 }));

  const info = subsystems.data?.subsystems.find((s) => s.name === name);
  const known =
    info !== undefined ||
    Boolean(states.data?.subsystems.some((s) => s.name === name)) ||
    Boolean(topo.data?.nodes.some((n) => n.id === name));
  const own = states.data?.subsystems.find((s) => s.name === name);
  const ownAvail = avail.data?.rows.find((r) => r.level === 'subsystem' && r.name === name);
  const componentNames = useMemo(() => {
    const names = new Set<string>(topo.data?.nodes.find((n) => n.id === name)?.components ?? []);
    for (const c of states.data?.components ?? []) if (c.subsystem === name) names.add(c.name);
    return [...names].sort();
  }, [topo.data, states.data, name]);
  const componentRows = componentNames.map((c) => ({
    name: c,
    state: states.data?.components.find((s) => s.subsystem === name && s.name === c),
    availability: avail.data?.rows.find(
      (r) => r.level === 'component' && r.subsystem === name && r.name === c,
    ),
  }));
  const onTime = (t: TimeQuery) =>
    navigate(`/subsystems/${encodeURIComponent(name)}${subsystemSearch({ range: t.range, at: t.at })}`);
  const timeSearch = subsystemSearch(query);
  const loadError = subsystems.error && !subsystems.data ? subsystems.error : undefined;

  if (subsystems.data && states.data && topo.data && !known) {
    return (
      <div className="page">
        <PageHeader title={name} back={{ href: `/cockpit${timeSearch}`, label: 'Cockpit' }} />
        <EmptyState icon="topology" title={`No subsystem "${name}"`}>
          It is neither declared under <code>subsystems</code> nor seen in the data. The Cockpit lists the
          subsystems there are.
        </EmptyState>
      </div>
    );
  }
  const state = own?.state ?? 'unknown';
  return (
    <div className="page subsystem-page" data-testid="subsystem-page">
      <PageHeader
        back={{ href: `/cockpit${timeSearch}`, label: 'Cockpit' }}
        title={name}
        aside={
          states.data ? <HealthBadge state={state} title={own?.reason ?? HEALTH_HINT[state]} /> : undefined
        }
        subtitle={info?.description ?? 'A subsystem of the installation'}
        actions={<TimeControl query={query} win={win} onChange={onTime} />}
      />
      {loadError && (
        <Card>
          <LoadError title="The subsystem could not be loaded" error={loadError} onRetry={subsystems.retry} />
        </Card>
      )}
      <div className="stat-grid">
        <Stat
          testId="stat-health"
          label={win.live ? 'Health now' : 'Health at the end'}
          value={states.data ? <HealthBadge state={state} /> : <Spinner size="sm" />}
          hint={
            own ? (
              <span className="subsystem-page__why">
                {own.reason ?? HEALTH_HINT[state]} <HealthMarks state={own} />
              </span>
            ) : (
              'no health rules cover it'
            )
          }
        />
        <Stat
          testId="stat-availability"
          label="Availability"
          value={avail.data ? availabilityText(ownAvail) : <Spinner size="sm" />}
          hint={`no data: ${noDataText(ownAvail, win.seconds)} (not counted)`}
        />
        <Stat
          testId="stat-events"
          label="Events in the window"
          value={events.data ? formatCount(events.data.total) : <Spinner size="sm" />}
          hint={`${formatCount(info?.events ?? 0)} stored in all`}
          spark={volume.data?.points.map((p) => p.counts[name] ?? 0)}
        />
        <Stat
          testId="stat-components"
          label="Components"
          value={formatCount(componentNames.length)}
          hint={`${componentRows.filter((r) => r.state && r.state.state !== 'ok').length} not ok`}
        />
      </div>
      <Card flush title="Health timeline" subtitle="State per component over the window; hatched: no data">
        {history.data ? (
          <HealthTimeline
            rows={[
              { key: 's', label: name, level: 'subsystem' },
              ...componentNames.map((c) => ({ key: `c:${c}`, label: c, level: 'component' as const })),
            ]}
            transitions={history.data.transitions}
            from={win.from}
            to={win.to}
            withDate={withDate}
          />
        ) : history.error ? (
          <LoadError
            title="The health history could not be loaded"
            error={history.error}
            onRetry={history.retry}
          />
        ) : (
          <div className="subsystem-page__loading">
            <Spinner label="Loading the health history" />
          </div>
        )}
      </Card>
      <ComponentsCard rows={componentRows} windowSeconds={win.seconds} withDate={withDate} />
      <div className="subsystem-page__pair">
        <EventsCard
          events={events.data}
          volume={volume.data}
          name={name}
          withDate={withDate}
          href={eventsHref(name, win, query.range)}
        />
        <EdgesCard name={name} edges={topo.data?.edges ?? []} search={timeSearch} />
      </div>
    </div>
  );
}
