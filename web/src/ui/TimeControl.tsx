// Time control of the live pages: the window's length (15 min … 24 h), a "jump to" date and time that
// switches to a past window ending there, and, on a past window, steps back and forth and the way
// back to live. It only reports changes; the page keeps the state (in the URL).
import { type FormEvent, useState } from 'react';
import { formatTime } from '../lib/format.ts';
import {
  fromLocalInput,
  type ResolvedWindow,
  TIME_RANGES,
  type TimeQuery,
  type TimeRangeKey,
  toLocalInput,
} from '../lib/timeRange.ts';
import { Button } from './Button.tsx';
import { Segmented } from './Segmented.tsx';
import './TimeControl.css';

export interface TimeControlProps {
  query: TimeQuery;
  win: ResolvedWindow;
  onChange: (next: TimeQuery) => void;
}

export function TimeControl({ query, win, onChange }: TimeControlProps) {
  const withDate = win.seconds >= 6 * 3600 || !sameDay(win.to);
  const step = (dir: -1 | 1) => {
    const end = Date.parse(win.to) + dir * win.seconds * 1000;
    // Stepping past now is live again.
    onChange(
      end >= Date.now() ? { range: query.range } : { range: query.range, at: new Date(end).toISOString() },
    );
  };
  return (
    <div className="time-control" data-testid="time-control" data-live={win.live}>
      {!win.live && (
        <div className="time-control__past" data-testid="time-window">
          <Button
            size="sm"
            variant="ghost"
            icon="chevronLeft"
            aria-label="The window before"
            onClick={() => step(-1)}
          />
          <span className="time-control__span">
            {formatTime(win.from, withDate, false)} – {formatTime(win.to, withDate, false)}
          </span>
          <Button
            size="sm"
            variant="ghost"
            icon="chevronRight"
            aria-label="The window after"
            onClick={() => step(1)}
          />
          <Button size="sm" variant="primary" icon="refresh" onClick={() => onChange({ range: query.range })}>
            Back to live
          </Button>
        </div>
      )}
      <Segmented<TimeRangeKey>
        label="Time range"
        value={query.range}
        onChange={(range) => onChange({ ...query, range })}
        options={TIME_RANGES.map((r) => ({
          value: r.key,
          label: r.label,
          title: win.live ? `Show the ${r.long}` : `Show ${r.label} up to ${formatTime(win.to, true, false)}`,
        }))}
      />
      <JumpTo key={query.at ?? 'live'} at={query.at} onJump={(at) => onChange({ range: query.range, at })} />
    </div>
  );
}

function JumpTo({ at, onJump }: { at?: string; onJump: (at: string) => void }) {
  const [value, setValue] = useState(at ? toLocalInput(Date.parse(at)) : '');
  const t = fromLocalInput(value);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (t !== undefined) onJump(new Date(Math.min(t, Date.now())).toISOString());
  };
  return (
    <form className="time-control__jump" onSubmit={submit}>
      <label className="time-control__jump-label" htmlFor="time-jump">
        Jump to
      </label>
      <input
        id="time-jump"
        className="time-control__input"
        type="datetime-local"
        value={value}
        max={toLocalInput(Date.now())}
        onChange={(e) => setValue(e.target.value)}
        data-testid="time-jump"
      />
      <Button
        size="sm"
        type="submit"
        disabled={t === undefined}
        title="Show the window that ends at this time"
      >
        Go
      </Button>
    </form>
  );
}

function sameDay(iso: string): boolean {
  return new Date(iso).toDateString() === new Date().toDateString();
}
