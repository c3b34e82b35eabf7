// Replay of a past window on the Cockpit: pick T1, T2 and a speed, then `at` steps from T1 to T2
// (speed seconds of data per second of wall time) with pause, resume and stop; everything lives in
// the URL, so a replay can be shared or reloaded where it was.
import { useEffect, useState } from 'react';
import { formatTime } from '../lib/format.ts';
import { fromLocalInput, toLocalInput } from '../lib/timeRange.ts';
import { Button } from '../ui/Button.tsx';
import { type CockpitQuery, REPLAY_SPEEDS } from './cockpitQuery.ts';
import './ReplayControl.css';

const TICK_MS = 1000;

export interface ReplayControlProps {
  query: CockpitQuery;
  /** The window shown now (its end is the replay's position). */
  win: { from: string; to: string };
  onChange: (patch: Partial<CockpitQuery>) => void;
}

export function ReplayControl({ query, win, onChange }: ReplayControlProps) {
  const r = query.replay;
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState({ from: '', to: '', speed: 60 });

  // While playing, move `at` forward each tick; stop at the end.
  useEffect(() => {
    if (!r?.playing) return;
    const timer = setInterval(() => {
      const pos = Date.parse(query.at ?? r.from);
      const next = Math.min(Date.parse(r.to), pos + r.speed * TICK_MS);
      const done = next >= Date.parse(r.to);
      onChange({ at: new Date(next).toISOString(), replay: { ...r, playing: !done } });
    }, TICK_MS);
    return () => clearInterval(timer);
  }, [r, query.at, onChange]);

  if (r) {
    const [a, b] = [Date.parse(r.from), Date.parse(r.to)];
    const pos = Date.parse(query.at ?? r.from);
    const pct = Math.max(0, Math.min(100, ((pos - a) / (b - a)) * 100));
    return (
      <div className="replay" data-testid="replay" data-playing={r.playing}>
        <Button
          size="sm"
          variant="ghost"
          icon={r.playing ? 'pause' : 'play'}
          aria-label={r.playing ? 'Pause the replay' : 'Play the replay'}
          onClick={() =>
            onChange({
              replay: { ...r, playing: !r.playing },
              ...(pos >= b ? { at: r.from } : {}),
            })
          }
        />
        <div
          className="replay__track"
          title={`${formatTime(r.from, true, false)} – ${formatTime(r.to, true, false)}`}
        >
          <div className="replay__fill" style={{ width: `${pct}%` }} />
        </div>
        <span className="replay__pos" data-testid="replay-position">
          {formatTime(new Date(pos).toISOString(), true, false)} · {r.speed}×
        </span>
        <Button
          size="sm"
          variant="ghost"
          icon="close"
          aria-label="Stop the replay"
          onClick={() => onChange({ replay: undefined })}
        />
      </div>
    );
  }
  if (!open)
    return (
      <Button
        size="sm"
        icon="play"
        onClick={() => {
          setForm({
            from: toLocalInput(Date.parse(win.from)),
            to: toLocalInput(Date.parse(win.to)),
            speed: 60,
          });
          setOpen(true);
        }}
      >
        Replay
      </Button>
    );
  const [fromMs, toMs] = [fromLocalInput(form.from), fromLocalInput(form.to)];
  const valid = fromMs !== undefined && toMs !== undefined && fromMs < toMs;
  return (
    <form
      className="replay replay--form"
      data-testid="replay-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!valid) return;
        setOpen(false);
        const from = new Date(fromMs).toISOString();
        onChange({
          at: from,
          replay: { from, to: new Date(toMs).toISOString(), speed: form.speed, playing: true },
        });
      }}
    >
      <label>
        From
        <input
          type="datetime-local"
          value={form.from}
          onChange={(e) => setForm({ ...form, from: e.target.value })}
          aria-label="Replay from"
        />
      </label>
      <label>
        to
        <input
          type="datetime-local"
          value={form.to}
          onChange={(e) => setForm({ ...form, to: e.target.value })}
          aria-label="Replay to"
        />
      </label>
      <select
        value={form.speed}
        aria-label="Replay speed"
        onChange={(e) => setForm({ ...form, speed: Number(e.target.value) })}
      >
        {REPLAY_SPEEDS.map((s) => (
          <option key={s} value={s}>
            {s}×
          </option>
        ))}
      </select>
      <Button size="sm" variant="primary" type="submit" icon="play" disabled={!valid}>
        Play
      </Button>
      <Button size="sm" variant="ghost" onClick={() => setOpen(false)}>
        Cancel
      </Button>
    </form>
  );
}
