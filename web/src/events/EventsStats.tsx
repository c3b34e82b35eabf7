// The totals row: events stored and dead letters from the live stream, the ingest rate over the last
// ticks, and how many events match the current filters.
import { formatCount, formatDuration, formatRate } from '../lib/format.ts';
import { type LiveSnapshot, ratePerSecond } from '../lib/liveStore.ts';
import { Spinner } from '../ui/Spinner.tsx';
import { Stat } from '../ui/Stat.tsx';
import type { TimeWindow } from './eventsQuery.ts';

const RATE_TICKS = 10;

export interface EventsStatsProps {
  live: LiveSnapshot;
  subsystemCount: number;
  matching: number | undefined;
  /** The events query failed (and there is no earlier answer to show). */
  matchingFailed: boolean;
  win: TimeWindow;
}

export function EventsStats({ live, subsystemCount, matching, matchingFailed, win }: EventsStatsProps) {
  const last = live.last;
  const total = last ? Object.values(last.totals).reduce((a, b) => a + b, 0) : undefined;
  const rate = ratePerSecond(live.ticks, RATE_TICKS);
  // While the stream is down there is nothing to wait for: a dash, not a spinner.
  const waiting =
    live.status === 'reconnecting' ? '–' : <Spinner size="sm" label="Waiting for the live stream" />;
  return (
    <div className="stat-grid">
      <Stat
        testId="stat-total"
        label="Events stored"
        value={total === undefined ? waiting : <span data-value={total}>{formatCount(total)}</span>}
        hint={
          subsystemCount
            ? `across ${subsystemCount} subsystem${subsystemCount === 1 ? '' : 's'}`
            : 'all subsystems'
        }
      />
      <Stat
        testId="stat-rate"
        label="Events per second"
        value={rate === null ? waiting : formatRate(rate)}
        hint={`average over the last ${RATE_TICKS} s`}
        spark={live.ticks.slice(-30).map((t) => t.delta)}
      />
      <Stat
        testId="stat-dead"
        label="Dead letters"
        value={last ? formatCount(last.deadLetters) : waiting}
        tone={last && last.deadLetters > 0 ? 'warn' : 'default'}
        hint="inputs kept with their reason"
      />
      <Stat
        testId="stat-matching"
        label="Matching events"
        value={matching !== undefined ? formatCount(matching) : matchingFailed ? '–' : <Spinner size="sm" />}
        hint={`with these filters, over ${formatDuration(win.seconds)}`}
      />
    </div>
  );
}
