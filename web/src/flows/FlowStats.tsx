// The flow's tiles: alerts per state (stuck and lost in warning colours once there are any) and the
// end-to-end latency percentiles against the flow's SLA.
import type { AlertState, FlowsResponse } from '../../../src/api/types.ts';
import { formatCount, formatMs, formatPercent } from '../lib/format.ts';
import { Spinner } from '../ui/Spinner.tsx';
import { Stat } from '../ui/Stat.tsx';
import { STATE_LOOK } from './AlertStateBadge.tsx';
import { STATES } from './flowsQuery.ts';
import './FlowStats.css';

type Flow = FlowsResponse['flows'][number];

const TONE: Partial<Record<AlertState, 'warn' | 'danger'>> = { stuck: 'warn', lost: 'danger' };

export function FlowStats({ flow, failed }: { flow: Flow | undefined; failed: boolean }) {
  const wait = failed ? '–' : <Spinner size="sm" />;
  const total = flow ? STATES.reduce((a, s) => a + (flow.counts[s] ?? 0), 0) : 0;
  const hint = (s: AlertState) => {
    if (!flow) return STATE_LOOK[s].text;
    const n = flow.counts[s] ?? 0;
    const extra =
      s === 'stuck'
        ? `after ${formatMs(flow.deadlineMs)}`
        : s === 'lost'
          ? `after ${formatMs(flow.horizonMs)}`
          : s === 'late' && flow.slaMs !== undefined
            ? `SLA ${formatMs(flow.slaMs)}`
            : '';
    return [total ? formatPercent(n / total) : '', extra].filter(Boolean).join(' · ') || 'none in the window';
  };
  const e2e = flow?.e2e;
  const over = e2e?.p95 !== undefined && flow?.slaMs !== undefined && e2e.p95 > flow.slaMs;
  return (
    <div className="flow-stats">
      {STATES.map((s) => {
        const n = flow?.counts[s] ?? 0;
        return (
          <Stat
            key={s}
            testId={`stat-${s}`}
            label={STATE_LOOK[s].label}
            value={flow ? <span data-value={n}>{formatCount(n)}</span> : wait}
            tone={n > 0 ? (TONE[s] ?? 'default') : 'default'}
            hint={hint(s)}
          />
        );
      })}
      <Stat
        testId="stat-e2e"
        label={
          flow?.slaMs !== undefined ? `End to end, p95 · SLA ${formatMs(flow.slaMs)}` : 'End to end, p95'
        }
        value={flow ? (e2e?.p95 === undefined ? '–' : formatMs(e2e.p95)) : wait}
        tone={over ? 'warn' : 'default'}
        hint={
          e2e?.p50 !== undefined
            ? `p50 ${formatMs(e2e.p50)} · p99 ${formatMs(e2e.p99 ?? 0)} · max ${formatMs(e2e.max ?? 0)}`
            : 'of complete and late alerts'
        }
      />
    </div>
  );
}
