// A pipeline's status as a badge whose tooltip says why.
import { Badge, type BadgeTone } from '../ui/Badge.tsx';
import type { HealthState, PipelineHealth } from './pipelineMetrics.ts';

const LOOK: Record<HealthState, { tone: BadgeTone; label: string }> = {
  healthy: { tone: 'ok', label: 'Healthy' },
  lagging: { tone: 'warn', label: 'Lagging' },
  errors: { tone: 'danger', label: 'Errors' },
  stopped: { tone: 'neutral', label: 'Not running' },
};

export function StatusBadge({ health }: { health: PipelineHealth }) {
  const look = LOOK[health.state];
  return (
    <span className="status-badge" data-testid="pipeline-status" data-state={health.state}>
      <Badge tone={look.tone} title={health.reason}>
        {look.label}
      </Badge>
    </span>
  );
}
