// Card around the volume chart: title with bucket size, and deliberate loading, error and empty states.
// The chart module (with ECharts) loads lazily, so the shell paints before the chart library arrives.
import { lazy, Suspense, useMemo } from 'react';
import type { VolumeResponse } from '../../../src/api/types.ts';
import { formatDuration } from '../lib/format.ts';
import type { ApiState } from '../lib/useApi.ts';
import { Card } from '../ui/Card.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { LoadState } from '../ui/LoadState.tsx';
import { Spinner } from '../ui/Spinner.tsx';
import { StaleNote } from '../ui/StaleNote.tsx';
import { RANGES, type TimeWindow } from './eventsQuery.ts';
import './VolumeCard.css';

const VolumeChart = lazy(() => import('./VolumeChart.tsx').then((m) => ({ default: m.VolumeChart })));

export interface VolumeCardProps {
  state: ApiState<VolumeResponse>;
  names: string[];
  selected: string[];
  win: TimeWindow;
  live: boolean;
  /** The active text search ('' for none): it narrows the chart as well as the table. */
  search: string;
  onBucket: (from: string, to: string) => void;
}

export function VolumeCard({ state, names, selected, win, live, search, onBucket }: VolumeCardProps) {
  const { data, error } = state;
  const shown = selected.length ? names.filter((n) => selected.includes(n)) : names;
  const seriesKey = shown.join(',');
  // biome-ignore lint/correctness/useExhaustiveDependencies: a stable array while the names stay the same
  const series = useMemo(() => shown, [seriesKey]);
  const empty = data !== undefined && !data.points.some((p) => series.some((s) => (p.counts[s] ?? 0) > 0));
  const range = RANGES.find((r) => r.seconds === win.seconds && live);
  const subtitle =
    `Per ${formatDuration(win.bucketSeconds)} · ${range ? range.long : 'selected window'}` +
    (search ? ` · matching “${search}”` : '');

  const body = (
    <LoadState
      data={data}
      error={error}
      onRetry={state.retry}
      errorTitle="The event volume could not be loaded"
      loading={<ChartLoading />}
    >
      {(d) => (
        <Suspense fallback={<ChartLoading />}>
          <VolumeChart volume={d} series={series} onBucket={onBucket} />
          {empty && (
            <div className="volume-card__overlay">
              <EmptyState compact title="No events in this window">
                {live ? 'New events appear here as the subsystems write them.' : 'Pick another time range.'}
              </EmptyState>
            </div>
          )}
        </Suspense>
      )}
    </LoadState>
  );

  return (
    <Card
      title="Events per subsystem"
      subtitle={subtitle}
      actions={
        error && data ? (
          <StaleNote error={error} />
        ) : (
          <span className="volume-card__hint">Click a bar to list its events</span>
        )
      }
    >
      <div className="volume-card__area">{body}</div>
    </Card>
  );
}

function ChartLoading() {
  return (
    <div className="volume-card__loading">
      <Spinner size="lg" label="Loading the chart" />
    </div>
  );
}
