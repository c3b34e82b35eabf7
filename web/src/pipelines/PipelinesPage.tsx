// The Pipelines page: every configured pipeline with its status and live counters (polled every 2 s;
// rates from successive polls), totals on top. A row opens the pipeline's page with its try-out box.
import type { PipelineInfo } from '../../../src/api/types.ts';
import { formatBytes, formatCount, formatPerSecond, formatRate } from '../lib/format.ts';
import { Card } from '../ui/Card.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { LoadState } from '../ui/LoadState.tsx';
import { PageHeader } from '../ui/PageHeader.tsx';
import { Spinner } from '../ui/Spinner.tsx';
import { StaleNote } from '../ui/StaleNote.tsx';
import { Stat } from '../ui/Stat.tsx';
import { TableSkeleton } from '../ui/TableSkeleton.tsx';
import { PipelinesTable } from './PipelinesTable.tsx';
import {
  type HealthState,
  latestRates,
  type PipelineHealth,
  pipelineHealth,
  rateSeries,
} from './pipelineMetrics.ts';
import { type Counters, refreshPipelines, type Sample } from './pipelinesStore.ts';
import { usePipelines } from './usePipelines.ts';

const SPARK_POINTS = 30;

export function PipelinesPage() {
  const { data, error, samples } = usePipelines();
  const pipelines = data?.pipelines ?? [];
  const health: Record<string, PipelineHealth> = {};
  for (const p of pipelines) health[p.name] = pipelineHealth(samples, p.name, p.status);

  const body = (
    <LoadState
      data={data}
      error={error}
      onRetry={refreshPipelines}
      errorTitle="The pipelines could not be loaded"
      loading={
        <TableSkeleton rows={5} label="Loading pipelines" widths={['12%', '26%', '8%', '7%', '7%', '7%']} />
      }
      isEmpty={() => pipelines.length === 0}
      empty={() => (
        <EmptyState icon="pipeline" title="No pipelines configured">
          Declare one under <code>pipelines:</code> in <code>mortar.yaml</code> (source, framing, parsers,
          map), check it with <code>mortar check</code> and restart the server.
        </EmptyState>
      )}
    >
      {() => <PipelinesTable pipelines={pipelines} samples={samples} health={health} />}
    </LoadState>
  );

  return (
    <div className="page pipelines-page">
      <PageHeader
        title="Pipelines"
        subtitle="How each subsystem's logs are captured, and whether every line becomes an event. Updating every 2 s."
      />
      <PipelinesStats data={data?.pipelines} samples={samples} health={health} />
      <Card
        flush
        title="Configured pipelines"
        subtitle="Counters since the server started; rates between the last two updates. Click a pipeline to try sample lines."
        actions={error && data ? <StaleNote error={error} /> : undefined}
      >
        {body}
      </Card>
    </div>
  );
}

function PipelinesStats({
  data,
  samples,
  health,
}: {
  data: PipelineInfo[] | undefined;
  samples: Sample[];
  health: Record<string, PipelineHealth>;
}) {
  const waiting = <Spinner size="sm" label="Loading" />;
  const rows = data ?? [];
  const sum = (f: (c: Counters) => number) => rows.reduce((a, p) => a + (p.status ? f(p.status) : 0), 0);
  const rate = (field: 'events' | 'deadLetters') => {
    let any = false;
    let total = 0;
    for (const p of rows) {
      const r = latestRates(samples, p.name);
      if (r) {
        any = true;
        total += r[field];
      }
    }
    return any ? total : null;
  };
  const series = (field: 'events' | 'deadLetters') => {
    const all = rows.map((p) => rateSeries(samples, p.name, field).slice(-SPARK_POINTS));
    const n = Math.max(0, ...all.map((s) => s.length));
    return Array.from({ length: n }, (_, i) => all.reduce((a, s) => a + (s[s.length - n + i] ?? 0), 0));
  };
  const deadSeries = series('deadLetters');
  const states: Record<HealthState, number> = { healthy: 0, lagging: 0, errors: 0, stopped: 0 };
  for (const h of Object.values(health)) states[h.state]++;
  const stateHint = (['healthy', 'lagging', 'errors', 'stopped'] as const)
    .filter((s) => states[s] > 0)
    .map((s) => `${states[s]} ${s === 'stopped' ? 'not running' : s}`)
    .join(' · ');
  const eventsRate = rate('events');
  const deadRate = rate('deadLetters');
  const dead = sum((c) => c.deadLetters);
  const behind = sum((c) => c.bytesBehind);
  const held = sum((c) => c.bytesHeld ?? 0);

  return (
    <div className="stat-grid">
      <Stat
        testId="stat-pipelines"
        label="Pipelines"
        value={data ? rows.length : waiting}
        hint={stateHint || 'configured in mortar.yaml'}
        tone={states.errors > 0 ? 'danger' : states.lagging > 0 ? 'warn' : 'default'}
      />
      <Stat
        testId="stat-events-rate"
        label="Events per second"
        value={
          eventsRate === null
            ? data
              ? '–'
              : waiting
            : eventsRate < 10
              ? formatRate(eventsRate)
              : formatCount(eventsRate)
        }
        hint={`${formatCount(sum((c) => c.events))} events since the server started`}
        spark={series('events')}
      />
      <Stat
        testId="stat-dead-letters"
        label="Dead letters"
        value={data ? formatCount(dead) : waiting}
        tone={dead > 0 ? 'warn' : 'default'}
        hint={
          deadRate === null ? 'since the server started' : `${formatPerSecond(deadRate)} now · since start`
        }
        spark={deadSeries}
        // Red only while dead letters come in: a flat line at zero is good news.
        sparkTone={deadSeries.some((v) => v > 0) ? 'danger' : 'ok'}
      />
      <Stat
        testId="stat-lag"
        label="Lag"
        value={data ? formatBytes(behind) : waiting}
        tone={Object.values(health).some((h) => h.state === 'lagging') ? 'warn' : 'default'}
        hint={
          `${sum((c) => c.filesOpen)} of ${sum((c) => c.filesKnown)} files open` +
          (held > 0 ? ` · ${formatBytes(held)} held` : '')
        }
      />
    </div>
  );
}
