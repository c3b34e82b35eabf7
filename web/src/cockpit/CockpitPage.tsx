// The Cockpit: the topology map of the subsystems (declared edges beside the observed ones, with hop
// latency, loss and alert counts), at subsystem or component level, a side panel for the selected
// element, and a time control. Live by default (every 3 s); a past window holds still, and a replay
// steps through one. Nodes are coloured by health at the window's end. State (range, at, level,
// selection, replay) lives in the URL. The map with its graph library loads lazily.
import { type KeyboardEvent, lazy, type ReactNode, Suspense, useMemo, useRef } from 'react';
import type { StatesResponse, SubsystemsResponse, TopologyResponse } from '../../../src/api/types.ts';
import { apiUrl } from '../lib/api.ts';
import { formatCount } from '../lib/format.ts';
import { navigate } from '../lib/router.ts';
import { resolveWindow, type TimeQuery, timeSearch } from '../lib/timeRange.ts';
import { useApi } from '../lib/useApi.ts';
import { useInterval } from '../lib/useInterval.ts';
import { Card } from '../ui/Card.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { LoadError } from '../ui/LoadError.tsx';
import { PageHeader } from '../ui/PageHeader.tsx';
import { Segmented } from '../ui/Segmented.tsx';
import { Spinner } from '../ui/Spinner.tsx';
import { StaleNote } from '../ui/StaleNote.tsx';
import { Stat } from '../ui/Stat.tsx';
import { TimeControl } from '../ui/TimeControl.tsx';
import { ConnectionsCard } from './ConnectionsCard.tsx';
import {
  type CockpitQuery,
  cockpitSearch,
  type MapLevel,
  parseCockpitQuery,
  parseSelection,
} from './cockpitQuery.ts';
import { MapLegend } from './MapLegend.tsx';
import { mapHealth } from './mapHealth.ts';
import { ReplayControl } from './ReplayControl.tsx';
import { TopologyPanel } from './TopologyPanel.tsx';
import { buildMapModel } from './topologyGraph.ts';
import './CockpitPage.css';

const TopologyMap = lazy(() => import('./TopologyMap.tsx').then((m) => ({ default: m.TopologyMap })));

const REFRESH_MS = 3_000;

export function CockpitPage({ search }: { search: string }) {
  const query = useMemo(() => parseCockpitQuery(search), [search]);
  const mapRef = useRef<HTMLDivElement>(null);
  const now = useInterval(REFRESH_MS, !query.at);
  const win = resolveWindow(query, now);
  const topo = useApi<TopologyResponse>(apiUrl('topology', { from: win.from, to: win.to }));
  const subsystems = useApi<SubsystemsResponse>('/api/subsystems');
  const states = useApi<StatesResponse>(apiUrl('states', { at: query.at }), win.live ? now : undefined);
  const health = useMemo(() => mapHealth(states.data), [states.data]);
  const linkSearch = timeSearch({ range: query.range, ...(query.at ? { at: query.at } : {}) });
  const descriptions = useMemo(
    () =>
      new Map(
        (subsystems.data?.subsystems ?? []).flatMap((s) => (s.description ? [[s.name, s.description]] : [])),
      ),
    [subsystems.data],
  );
  const model = useMemo(
    () => (topo.data ? buildMapModel(topo.data, query.level) : undefined),
    [topo.data, query.level],
  );

  // Undefined values (at, sel) drop out of the URL.
  const update = (patch: Partial<CockpitQuery>, replace = false) =>
    navigate(`/cockpit${cockpitSearch({ ...query, ...patch })}`, { replace });
  const onTime = (t: TimeQuery) => update({ range: t.range, at: t.at, replay: undefined });
  const onReplay = (patch: Partial<CockpitQuery>) => update(patch, Boolean(query.replay && patch.replay));
  const onSelect = (sel: string | undefined) => update({ sel }, true);
  const selection = parseSelection(query.sel);
  const closeOnEscape = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && query.sel) onSelect(undefined);
  };
  const onLevel = (level: MapLevel) => {
    // A component or a component edge is not on the subsystem map: drop it there.
    const keep = level === 'component' || /^[ne]:/.test(query.sel ?? '');
    update({ level, sel: keep ? query.sel : undefined });
  };

  let map: ReactNode;
  if (topo.error && !topo.data) {
    map = <LoadError title="The topology could not be loaded" error={topo.error} onRetry={topo.retry} />;
  } else if (!topo.data || !model) {
    map = <MapLoading />;
  } else if (model.nodes.length === 0) {
    map = (
      <EmptyState icon="topology" title="No subsystems yet">
        Declare subsystems and their <code>edges</code> in <code>mortar.yaml</code>, or let flows observe
        them.
      </EmptyState>
    );
  } else {
    map = (
      <div className={selection ? 'cockpit-map is-open' : 'cockpit-map'}>
        <div className="cockpit-map__canvas">
          <Suspense fallback={<MapLoading />}>
            <TopologyMap
              model={model}
              selected={query.sel}
              descriptions={descriptions}
              health={health}
              linkSearch={linkSearch}
              onSelect={onSelect}
            />
          </Suspense>
        </div>
        {selection && (
          <TopologyPanel
            topo={topo.data}
            selection={selection}
            descriptions={descriptions}
            time={{ range: query.range, ...(query.at ? { at: query.at } : {}) }}
            now={win.live ? now : undefined}
            onSelect={onSelect}
          />
        )}
      </div>
    );
  }

  return (
    <div className="page cockpit-page">
      <PageHeader
        title="Cockpit"
        subtitle={
          win.live
            ? 'How the subsystems are connected and how alerts cross them. Updating every 3 s.'
            : 'How the subsystems were connected and how alerts crossed them, in a past window.'
        }
        actions={
          <div className="cockpit-page__time">
            <ReplayControl query={query} win={win} onChange={onReplay} />
            <TimeControl query={query} win={win} onChange={onTime} />
          </div>
        }
      />
      <CockpitStats topo={topo.data} failed={Boolean(topo.error && !topo.data)} />
      <Card
        flush
        className="cockpit-card"
        title="Topology"
        subtitle={
          query.level === 'component'
            ? 'Components inside their subsystems, joined where alerts passed between them'
            : 'Subsystems along the alarm path, left to right; edges labelled with hop latency and loss'
        }
        actions={
          <>
            {topo.error && topo.data && <StaleNote error={topo.error} maxWidth={280} />}
            <Segmented<MapLevel>
              label="Map level"
              value={query.level}
              onChange={onLevel}
              options={[
                { value: 'subsystem', label: 'Subsystems' },
                {
                  value: 'component',
                  label: 'Components',
                  title: 'Show the components and the edges between them',
                },
              ]}
            />
          </>
        }
      >
        {/* biome-ignore lint/a11y/noStaticElementInteractions: Esc closes the details opened inside */}
        <div
          className={query.level === 'component' ? 'cockpit-card__body is-component' : 'cockpit-card__body'}
          ref={mapRef}
          onKeyDown={closeOnEscape}
        >
          {map}
        </div>
        <MapLegend level={query.level} />
      </Card>
      {topo.data && topo.data.edges.length > 0 && (
        <ConnectionsCard
          topo={topo.data}
          selected={query.sel}
          withDate={!sameDay(win.to) || win.seconds > 6 * 3600}
          onSelect={(sel) => {
            onSelect(sel);
            mapRef.current?.scrollIntoView({ behavior: 'smooth', block: 'center' });
          }}
        />
      )}
    </div>
  );
}

function MapLoading() {
  return (
    <div className="cockpit-map__loading">
      <Spinner size="lg" label="Loading the map" />
    </div>
  );
}

function CockpitStats({ topo, failed }: { topo: TopologyResponse | undefined; failed: boolean }) {
  const wait = failed ? '–' : <Spinner size="sm" />;
  const edges = topo?.edges ?? [];
  const declared = edges.filter((e) => e.declared).length;
  const ok = edges.filter((e) => e.status === 'ok').length;
  const silent = edges.filter((e) => e.status === 'silent').length;
  const undeclared = edges.filter((e) => e.status === 'undeclared').length;
  const lost = edges.reduce((a, e) => a + e.lost, 0);
  const components = new Set(topo?.nodes.flatMap((n) => n.components) ?? []).size;
  return (
    <div className="stat-grid">
      <Stat
        testId="stat-subsystems"
        label="Subsystems"
        value={topo ? formatCount(topo.nodes.length) : wait}
        hint={topo ? `${formatCount(components)} components` : 'declared and observed'}
      />
      <Stat
        testId="stat-edges-ok"
        label="Connections carrying alerts"
        value={topo ? `${ok} of ${declared}` : wait}
        hint="declared edges with alerts in the window"
      />
      <Stat
        testId="stat-drift"
        label="Silent or undeclared"
        value={topo ? formatCount(silent + undeclared) : wait}
        tone={silent + undeclared > 0 ? 'warn' : 'default'}
        hint={`${silent} silent · ${undeclared} undeclared`}
      />
      <Stat
        testId="stat-lost"
        label="Alerts lost on the way"
        value={topo ? formatCount(lost) : wait}
        tone={lost > 0 ? 'danger' : 'default'}
        hint="not complete by the flow's horizon"
      />
    </div>
  );
}

function sameDay(iso: string): boolean {
  return new Date(iso).toDateString() === new Date().toDateString();
}
