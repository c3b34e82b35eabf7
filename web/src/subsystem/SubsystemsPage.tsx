// The Subsystems page (/subsystems): every subsystem (declared or seen) with its health now or at
// `at`, availability over the window, components not ok and stored events; a row opens its page.
import { useMemo } from 'react';
import type { AvailabilityResponse, StatesResponse, SubsystemsResponse } from '../../../src/api/types.ts';
import { apiUrl } from '../lib/api.ts';
import { formatCount } from '../lib/format.ts';
import { navigate } from '../lib/router.ts';
import { sortSubsystems, subsystemColor } from '../lib/subsystemColor.ts';
import { resolveWindow, type TimeQuery } from '../lib/timeRange.ts';
import { useApi } from '../lib/useApi.ts';
import { useInterval } from '../lib/useInterval.ts';
import { Card } from '../ui/Card.tsx';
import { LoadState } from '../ui/LoadState.tsx';
import { PageHeader } from '../ui/PageHeader.tsx';
import { type Column, Table } from '../ui/Table.tsx';
import { TableSkeleton } from '../ui/TableSkeleton.tsx';
import { TimeControl } from '../ui/TimeControl.tsx';
import { availabilityText, HealthMarks } from './ComponentsCard.tsx';
import { HealthBadge } from './HealthBadge.tsx';
import { subsystemHref } from './health.ts';
import { parseSubsystemQuery, subsystemSearch } from './subsystemQuery.ts';

interface Row {
  name: string;
  description?: string;
  events: number;
  state?: StatesResponse['subsystems'][number];
  availability?: AvailabilityResponse['rows'][number];
  notOk: number;
  components: number;
}

export function SubsystemsPage({ search }: { search: string }) {
  const query = useMemo(() => parseSubsystemQuery(search), [search]);
  const now = useInterval(5_000, !query.at);
  const win = resolveWindow(query, now);
  const list = useApi<SubsystemsResponse>('/api/subsystems', win.live ? now : undefined);
  const states = useApi<StatesResponse>(apiUrl('states', { at: query.at }), win.live ? now : undefined);
  const avail = useApi<AvailabilityResponse>(apiUrl('availability', { from: win.from, to: win.to }));
  const timeSearch = subsystemSearch(query);
  const names = sortSubsystems([
    ...(list.data?.subsystems.map((s) => s.name) ?? []),
    ...(states.data?.subsystems.map((s) => s.name) ?? []),
  ]);
  const rows: Row[] = names.map((name) => {
    const info = list.data?.subsystems.find((s) => s.name === name);
    const comps = states.data?.components.filter((c) => c.subsystem === name) ?? [];
    return {
      name,
      description: info?.description,
      events: info?.events ?? 0,
      state: states.data?.subsystems.find((s) => s.name === name),
      availability: avail.data?.rows.find((r) => r.level === 'subsystem' && r.name === name),
      notOk: comps.filter((c) => c.state !== 'ok').length,
      components: comps.length,
    };
  });
  const columns: Column<Row>[] = [
    {
      key: 'name',
      header: 'Subsystem',
      width: '22%',
      render: (r) => (
        <span className="subsystems-name">
          <span className="map-node__dot" style={{ background: subsystemColor(r.name) }} />
          <strong>{r.name}</strong>
        </span>
      ),
    },
    {
      key: 'health',
      header: win.live ? 'Health now' : 'Health at the end',
      width: '26%',
      render: (r) => (
        <span className="subsystem-reason">
          <HealthBadge state={r.state?.state ?? 'unknown'} title={r.state?.reason} />
          <HealthMarks state={r.state} />
        </span>
      ),
    },
    {
      key: 'components',
      header: 'Components not ok',
      width: '16%',
      align: 'right',
      render: (r) => `${r.notOk} of ${r.components}`,
    },
    {
      key: 'availability',
      header: 'Availability',
      width: '14%',
      align: 'right',
      render: (r) => availabilityText(r.availability),
    },
    { key: 'events', header: 'Events stored', align: 'right', render: (r) => formatCount(r.events) },
  ];
  const onTime = (t: TimeQuery) => navigate(`/subsystems${subsystemSearch({ range: t.range, at: t.at })}`);
  return (
    <div className="page">
      <PageHeader
        title="Subsystems"
        subtitle="Health and availability of every part of the installation; open one for its components, timeline and events."
        actions={<TimeControl query={query} win={win} onChange={onTime} />}
      />
      <Card flush>
        <LoadState
          data={list.data}
          error={list.error}
          onRetry={list.retry}
          errorTitle="The subsystems could not be loaded"
          loading={<TableSkeleton rows={5} />}
        >
          {() => (
            <div data-testid="subsystems-list">
              <Table
                label="Subsystems"
                columns={columns}
                rows={rows}
                rowKey={(r) => r.name}
                onRowClick={(r) => navigate(subsystemHref(r.name, timeSearch))}
              />
            </div>
          )}
        </LoadState>
      </Card>
    </div>
  );
}
