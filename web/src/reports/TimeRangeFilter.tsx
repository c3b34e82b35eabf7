// A report's time-range filter: relative presets (last 15 min … 30 days) and a custom absolute window
// (from / to in local time) in a small popover.
import { type FormEvent, useState } from 'react';
import { fromLocalInput, toLocalInput } from '../lib/timeRange.ts';
import { Button } from '../ui/Button.tsx';
import { Segmented } from '../ui/Segmented.tsx';
import { Popover } from './Popover.tsx';
import { absoluteRange, parseTimeRange, TIME_PRESETS, timeRangeLabel } from './timeRangeValue.ts';

export interface TimeRangeFilterProps {
  id: string;
  label: string;
  value: string | undefined;
  onChange: (value: string) => void;
}

export function TimeRangeFilter({ id, label, value, onChange }: TimeRangeFilterProps) {
  const [open, setOpen] = useState(false);
  const parsed = parseTimeRange(value);
  const preset = TIME_PRESETS.find((p) => p.value === value)?.value ?? null;
  return (
    <div className="report-time">
      <Segmented
        label={label}
        value={preset}
        onChange={onChange}
        options={TIME_PRESETS.map((p) => ({ value: p.value, label: p.label, title: `Show the ${p.long}` }))}
      />
      <Popover
        open={open}
        onOpenChange={setOpen}
        trigger={
          <Button
            size="sm"
            variant={preset === null && parsed.kind !== 'invalid' ? 'primary' : 'secondary'}
            icon="clock"
            aria-label={`${label}: custom window`}
            data-testid={`filter-${id}-custom`}
            title="A fixed window from … to"
          >
            {preset === null && parsed.kind !== 'invalid' ? timeRangeLabel(value) : 'Custom'}
          </Button>
        }
      >
        <AbsoluteForm
          value={value}
          onApply={(v) => {
            onChange(v);
            setOpen(false);
          }}
        />
      </Popover>
    </div>
  );
}

function AbsoluteForm({ value, onApply }: { value: string | undefined; onApply: (v: string) => void }) {
  const parsed = parseTimeRange(value);
  const now = Date.now();
  const [from, setFrom] = useState(() =>
    toLocalInput(
      parsed.kind === 'absolute'
        ? Date.parse(parsed.from)
        : now - (parsed.kind === 'relative' ? parsed.seconds : 3600) * 1000,
    ),
  );
  const [to, setTo] = useState(() => toLocalInput(parsed.kind === 'absolute' ? Date.parse(parsed.to) : now));
  const f = fromLocalInput(from);
  const t = fromLocalInput(to);
  const valid = f !== undefined && t !== undefined && f < t;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (valid) onApply(absoluteRange(f, t));
  };
  return (
    <form className="report-time__form" onSubmit={submit}>
      <label>
        <span>From</span>
        <input
          type="datetime-local"
          className="report-input"
          value={from}
          onChange={(e) => setFrom(e.target.value)}
          data-testid="time-from"
        />
      </label>
      <label>
        <span>To</span>
        <input
          type="datetime-local"
          className="report-input"
          value={to}
          onChange={(e) => setTo(e.target.value)}
          data-testid="time-to"
        />
      </label>
      {!valid && <p className="report-time__invalid">“From” must be before “to”.</p>}
      <Button size="sm" variant="primary" type="submit" disabled={!valid}>
        Apply
      </Button>
    </form>
  );
}
