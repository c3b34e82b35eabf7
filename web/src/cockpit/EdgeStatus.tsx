// How an edge's status reads everywhere in the cockpit: badge tone, label, one sentence, and a short
// sample of the line style the map draws it with.
import type { TopologyEdge } from '../../../src/api/types.ts';
import type { BadgeTone } from '../ui/Badge.tsx';
import './EdgeStatus.css';

export type EdgeStatus = TopologyEdge['status'];

export const STATUS: Record<EdgeStatus, { tone: BadgeTone; label: string; text: string }> = {
  ok: { tone: 'ok', label: 'OK', text: 'Declared and carrying alerts.' },
  silent: {
    tone: 'neutral',
    label: 'Silent',
    text: 'Declared, but no alert crossed it in this window: a possible outage.',
  },
  undeclared: {
    tone: 'warn',
    label: 'Undeclared',
    text: 'Alerts crossed it, but the configuration does not declare it: drift.',
  },
};

export function EdgeSwatch({ status }: { status: EdgeStatus }) {
  return <span className={`edge-swatch edge-swatch--${status}`} title={STATUS[status].label} />;
}
