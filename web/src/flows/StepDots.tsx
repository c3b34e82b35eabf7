// An alert's path as a row of dots, one per declared step: filled when seen, hollow when missing
// (dashed for an optional step), hatched when it happened where the user may not look, red when
// the hop into it broke its SLA. Each dot's tooltip names
// the step, its component, time and latency.
import { formatMs, formatTime } from '../lib/format.ts';
import type { PathStep } from './flowSteps.ts';
import './StepDots.css';

export function StepDots({ path }: { path: PathStep[] }) {
  const seen = path.filter((s) => s.seen).length;
  const hidden = path.filter((s) => s.hidden).length;
  return (
    <span
      className="step-dots"
      data-testid="step-dots"
      role="img"
      aria-label={`${seen} of ${path.length} steps seen${hidden ? `, ${hidden} hidden` : ''}`}
    >
      {path.map((s, i) => (
        <span key={s.name} className="step-dots__cell">
          {i > 0 && <span className={s.seen ? 'step-dots__line is-seen' : 'step-dots__line'} />}
          <span
            className={`step-dot${s.seen ? ' is-seen' : ''}${s.hidden ? ' is-hidden' : ''}${s.breach ? ' is-breach' : ''}${s.def.optional ? ' is-optional' : ''}`}
            data-step={s.name}
            data-seen={s.seen}
            data-hidden={s.hidden}
            data-breach={s.breach}
            title={dotTitle(s)}
          />
        </span>
      ))}
    </span>
  );
}

function dotTitle(s: PathStep): string {
  if (s.hidden) return `${s.name}: in a subsystem you may not see (time and component hidden)`;
  if (!s.seen) return `${s.name}: not seen${s.def.optional ? ' (optional)' : ''}`;
  const parts = [s.name, s.component, s.ts ? formatTime(s.ts) : undefined];
  if (s.latencyMs !== undefined)
    parts.push(
      `+${formatMs(s.latencyMs)}${s.def.slaMs !== undefined ? ` (SLA ${formatMs(s.def.slaMs)})` : ''}${s.breach ? ' breach' : ''}`,
    );
  return parts.filter(Boolean).join(' · ');
}
