// The health timeline: one track per entity (the subsystem, then its components) with a band per
// state held in the window, from the stored transitions; time no transition covers is "no data"
// (hatched grey). Hovering a band tells the state, its span and its reason.
import type { HealthEntityState, HealthStateName } from '../../../src/api/types.ts';
import { formatTime } from '../lib/format.ts';
import { HEALTH_LABEL, HEALTH_STATES, healthColor } from './health.ts';
import './HealthTimeline.css';

export interface TimelineRow {
  key: string;
  label: string;
  level: 'subsystem' | 'component';
}

interface Band {
  state: HealthStateName;
  left: number;
  width: number;
  title: string;
}

function bands(items: HealthEntityState[], fromMs: number, toMs: number, withDate: boolean): Band[] {
  const span = toMs - fromMs;
  return items.flatMap((t) => {
    const a = Math.max(fromMs, t.from ? Date.parse(t.from) : fromMs);
    const b = Math.min(toMs, t.to ? Date.parse(t.to) : toMs);
    // Unknown is drawn by the track itself (hatched), like time no transition covers.
    if (!(b > a) || t.state === 'unknown') return [];
    const when = `${formatTime(new Date(a).toISOString(), withDate, false)} – ${formatTime(new Date(b).toISOString(), withDate, false)}`;
    const why = [t.reason, t.suppressedBy && `suppressed: ${t.suppressedBy} failed`, t.flapping && 'flapping']
      .filter(Boolean)
      .join(' · ');
    return [
      {
        state: t.state,
        left: ((a - fromMs) / span) * 100,
        width: ((b - a) / span) * 100,
        title: `${HEALTH_LABEL[t.state]}, ${when}${why ? `\n${why}` : ''}`,
      },
    ];
  });
}

export function HealthTimeline({
  rows,
  transitions,
  from,
  to,
  withDate,
}: {
  rows: TimelineRow[];
  transitions: HealthEntityState[];
  from: string;
  to: string;
  withDate: boolean;
}) {
  const [fromMs, toMs] = [Date.parse(from), Date.parse(to)];
  const of = (r: TimelineRow) =>
    transitions.filter((t) =>
      r.level === 'subsystem' ? t.level === 'subsystem' : t.level === 'component' && t.name === r.label,
    );
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => ({
    f,
    label: formatTime(new Date(fromMs + f * (toMs - fromMs)).toISOString(), withDate, false),
  }));
  return (
    <div className="health-timeline" data-testid="health-timeline">
      {rows.map((r) => (
        <div key={r.key} className={`health-timeline__row is-${r.level}`} data-row={r.label}>
          <div className="health-timeline__label" title={r.label}>
            {r.label}
          </div>
          <div className="health-timeline__track">
            {bands(of(r), fromMs, toMs, withDate).map((b) => (
              <span
                key={`${b.left}-${b.state}`}
                className="health-timeline__band"
                data-state={b.state}
                title={b.title}
                style={{ left: `${b.left}%`, width: `${b.width}%`, background: healthColor(b.state) }}
              />
            ))}
          </div>
        </div>
      ))}
      <div className="health-timeline__axis">
        <div />
        <div className="health-timeline__ticks">
          {ticks.map((t) => (
            <span key={t.f} style={{ left: `${t.f * 100}%` }}>
              {t.label}
            </span>
          ))}
        </div>
      </div>
      <div className="health-timeline__legend">
        {HEALTH_STATES.map((s) => (
          <span key={s}>
            <i style={{ background: s === 'unknown' ? undefined : healthColor(s) }} className={`is-${s}`} />
            {s === 'unknown' ? 'No data' : HEALTH_LABEL[s]}
          </span>
        ))}
      </div>
    </div>
  );
}
