// HealthBadge: a health state as a coloured dot and its name; the title says what it means.
import type { HealthStateName } from '../../../src/api/types.ts';
import { HEALTH_HINT, HEALTH_LABEL, healthColor } from './health.ts';
import './health.css';

export function HealthBadge({ state, title }: { state: HealthStateName; title?: string }) {
  return (
    <span
      className="health-badge"
      data-state={state}
      style={{ '--health-color': healthColor(state) } as React.CSSProperties}
      title={title ?? HEALTH_HINT[state]}
    >
      <span className="health-badge__dot" />
      {HEALTH_LABEL[state]}
    </span>
  );
}
