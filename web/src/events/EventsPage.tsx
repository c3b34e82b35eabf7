// The Events page: totals, range, subsystem and text filters, the volume chart and the latest events.
// State lives in the URL; a relative range refreshes chart and first table page every 2 s.
import { useMemo, useState } from 'react';
import type { EventsResponse, SubsystemsResponse, VolumeResponse } from '../../../src/api/types.ts';
import { apiUrl } from '../lib/api.ts';
import { navigate } from '../lib/router.ts';
import { sortSubsystems } from '../lib/subsystemColor.ts';
import { useApi } from '../lib/useApi.ts';
import { useInterval } from '../lib/useInterval.ts';
import { useLatched } from '../lib/useLatched.ts';
import { useLive } from '../lib/useLive.ts';
import { EventsFilters } from './EventsFilters.tsx';
import { EventsHeader } from './EventsHeader.tsx';
import { EventsStats } from './EventsStats.tsx';
import { EventsTableCard } from './EventsTableCard.tsx';
import { type EventsQuery, isLive, PAGE_SIZE, parseQuery, timeWindow, toSearch } from './eventsQuery.ts';
import { VolumeCard } from './VolumeCard.tsx';

const REFRESH_MS = 2_000;

export function EventsPage({ search }: { search: string }) {
  const query = useMemo(() => parseQuery(search), [search]);
  const live = isLive(query);
  const now = useInterval(REFRESH_MS, live);
  const win = timeWindow(query, now);
  const liveState = useLive();

  const update = (patch: Partial<EventsQuery>, replace = false) => {
    const next = { ...query, page: 1, ...patch };
    navigate(`${window.location.pathname}${toSearch(next)}`, { replace });
  };

  // The expanded row belongs to one set of filters; changing them closes it, a refresh does not.
  const filtersKey = `${query.range}|${query.from}|${query.to}|${query.subsystems}|${query.q}|${query.page}`;
  const [expanded, setExpanded] = useState<{ id: string; filtersKey: string } | null>(null);
  const expandedId = expanded?.filtersKey === filtersKey ? expanded.id : null;

  // The table follows the clock only on page 1 of a live range with no row open; otherwise it stays
  // anchored where it was, so paging is stable and an open row does not slide away.
  const tablePaused = live && query.page === 1 && expandedId !== null;
  const tableWindow = useLatched(`${win.from}|${win.to}`, live && (query.page > 1 || tablePaused));
  const [tableFrom, tableTo] = tableWindow.split('|');
  const subsystemParam = query.subsystems.join(',') || undefined;

  const subsystems = useApi<SubsystemsResponse>('/api/subsystems');
  const volume = useApi<VolumeResponse>(
    apiUrl('volume', { from: win.from, to: win.to, bucket: win.bucketSeconds, q: query.q || undefined }),
  );
  const events = useApi<EventsResponse>(
    apiUrl('events', {
      from: tableFrom,
      to: tableTo,
      subsystem: subsystemParam,
      q: query.q || undefined,
      limit: PAGE_SIZE,
      offset: (query.page - 1) * PAGE_SIZE,
    }),
  );

  const names = sortSubsystems([
    ...(subsystems.data?.subsystems.map((s) => s.name) ?? []),
    ...(volume.data?.subsystems ?? []),
    ...Object.keys(liveState.last?.totals ?? {}),
  ]);

  return (
    <div className="page events-page">
      <EventsHeader
        query={query}
        win={win}
        onRange={(range) => update({ range, from: undefined, to: undefined })}
      />
      <EventsStats
        live={liveState}
        subsystemCount={names.length}
        matching={events.data?.total}
        matchingFailed={Boolean(events.error && !events.data)}
        win={win}
      />
      <EventsFilters
        names={names}
        namesFailed={Boolean(subsystems.error) && names.length === 0}
        volume={volume.data}
        selected={query.subsystems}
        q={query.q}
        onSubsystems={(s) => update({ subsystems: s })}
        onSearch={(q) => update({ q }, true)}
      />
      <VolumeCard
        state={volume}
        names={names}
        selected={query.subsystems}
        win={win}
        live={live}
        search={query.q}
        onBucket={(from, to) => update({ from, to })}
      />
      <EventsTableCard
        state={events}
        query={query}
        win={win}
        paused={tablePaused}
        expandedId={expandedId}
        onToggle={(id) => setExpanded(expandedId === id ? null : { id, filtersKey })}
        onPage={(page) => navigate(`${window.location.pathname}${toSearch({ ...query, page })}`)}
        onSearch={(q) => update({ q })}
      />
    </div>
  );
}
