// Live indicator in the top bar: green when the SSE stream delivers ticks, amber while reconnecting.
import { useLive } from '../lib/useLive.ts';
import './LiveIndicator.css';

const LABEL = { live: 'Live', connecting: 'Connecting…', reconnecting: 'Reconnecting…' } as const;

export function LiveIndicator() {
  const { status, last } = useLive();
  const title = last
    ? `Last update ${new Date(last.at).toLocaleTimeString()}`
    : 'Waiting for the live stream';
  return (
    <output
      className={`live live--${status}`}
      title={title}
      data-testid="live-indicator"
      data-status={status}
    >
      <span className="live__dot" aria-hidden="true" />
      {LABEL[status]}
    </output>
  );
}
