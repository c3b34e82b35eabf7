// Page header of Events: title, what is shown, and the time-range selector (or the fixed range
// picked from the chart, with the way back to live).
import { formatTime } from '../lib/format.ts';
import { Button } from '../ui/Button.tsx';
import { Segmented } from '../ui/Segmented.tsx';
import { type EventsQuery, isLive, RANGES, type RangeKey, type TimeWindow } from './eventsQuery.ts';
import './EventsHeader.css';

export interface EventsHeaderProps {
  query: EventsQuery;
  win: TimeWindow;
  onRange: (range: RangeKey) => void;
}

export function EventsHeader({ query, win, onRange }: EventsHeaderProps) {
  const live = isLive(query);
  return (
    <div className="events-header">
      <div>
        <h1 className="events-header__title">Events</h1>
        <p className="events-header__subtitle">
          Everything the subsystems wrote, as one stream. {live ? 'Updating live.' : 'A fixed time window.'}
        </p>
      </div>
      <div className="events-header__controls">
        {!live && (
          <div className="events-header__fixed" data-testid="fixed-range">
            <span>
              {formatTime(win.from, win.seconds > 3600, false)} –{' '}
              {formatTime(win.to, win.seconds > 3600, false)}
            </span>
            <Button size="sm" variant="primary" icon="refresh" onClick={() => onRange(query.range)}>
              Back to live
            </Button>
          </div>
        )}
        <Segmented
          label="Time range"
          value={live ? query.range : null}
          onChange={onRange}
          options={RANGES.map((r) => ({ value: r.key, label: r.label, title: `Show the ${r.long}` }))}
        />
      </div>
    </div>
  );
}
