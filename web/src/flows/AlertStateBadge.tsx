// An alert's state as a badge, and the words for each state.
import type { AlertState } from '../../../src/api/types.ts';
import { Badge, type BadgeTone } from '../ui/Badge.tsx';

export const STATE_LOOK: Record<AlertState, { label: string; tone: BadgeTone; text: string }> = {
  in_flight: { label: 'In flight', tone: 'brand', text: 'Not complete yet, still within the deadline.' },
  complete: { label: 'Complete', tone: 'ok', text: 'Every required step seen, within the SLAs.' },
  late: { label: 'Late', tone: 'warn', text: 'Complete, but an SLA was exceeded.' },
  stuck: { label: 'Stuck', tone: 'warn', text: 'Not complete past the deadline.' },
  lost: { label: 'Lost', tone: 'danger', text: 'Not complete past the horizon.' },
};

export function AlertStateBadge({ state }: { state: AlertState }) {
  const look = STATE_LOOK[state];
  return (
    <span data-testid="alert-state" data-state={state}>
      <Badge tone={look.tone} title={look.text}>
        {look.label}
      </Badge>
    </span>
  );
}
