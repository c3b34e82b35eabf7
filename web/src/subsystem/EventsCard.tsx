// A subsystem's events in the window: volume per bucket (a small line), the total, and the latest
// few lines; "Open in Events" goes to the Events page filtered to this subsystem and window.
import type { EventsResponse, VolumeResponse } from '../../../src/api/types.ts';
import { formatCount, formatTime } from '../lib/format.ts';
import { linkHandler } from '../lib/router.ts';
import { Badge } from '../ui/Badge.tsx';
import { Card } from '../ui/Card.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { Sparkline } from '../ui/Sparkline.tsx';
import { Spinner } from '../ui/Spinner.tsx';

export function EventsCard({
  events,
  volume,
  href,
  name,
  withDate,
}: {
  events: EventsResponse | undefined;
  volume: VolumeResponse | undefined;
  href: string;
  name: string;
  withDate: boolean;
}) {
  const series = volume?.points.map((p) => p.counts[name] ?? 0) ?? [];
  const peak = Math.max(0, ...series);
  const perBucket = volume ? `peak ${formatCount(peak)} per ${volume.bucketSeconds} s` : '';
  return (
    <Card
      flush
      title="Events"
      subtitle={events ? `${formatCount(events.total)} in the window · ${perBucket}` : 'Loading'}
      actions={
        <a
          className="btn btn--secondary btn--sm"
          href={href}
          onClick={linkHandler(href)}
          data-testid="open-events"
        >
          Open in Events
        </a>
      }
    >
      <div className="subsystem-events" data-testid="subsystem-events">
        {series.length > 1 && (
          <div className="subsystem-events__volume">
            <Sparkline
              values={series}
              width={640}
              height={48}
              label={`Events per ${volume?.bucketSeconds} s`}
            />
          </div>
        )}
        {!events ? (
          <div className="subsystem-events__loading">
            <Spinner label="Loading the events" />
          </div>
        ) : events.rows.length === 0 ? (
          <EmptyState icon="inbox" title="No events in this window" />
        ) : (
          <ul className="subsystem-events__list">
            {events.rows.map((e) => (
              <li key={e.id}>
                <span className="subsystem-events__time">{formatTime(e.ts, withDate)}</span>
                <Badge severity={e.severity}>{e.severity}</Badge>
                <code className="subsystem-events__comp">{e.component}</code>
                <span className="subsystem-events__type">{e.type}</span>
                <span className="subsystem-events__msg" title={e.message}>
                  {e.message}
                </span>
              </li>
            ))}
          </ul>
        )}
      </div>
    </Card>
  );
}
