// One pipeline's page: status and why, how it captures (source, globs, steps), its counters with
// sparklines of events/s and dead letters/s since the pipelines pages were opened, the try-out box,
// and its latest dead letters (state in the URL: page, open row; reloaded when its counter moves).
import type { ReactNode } from 'react';
import type { DeadLettersResponse, PipelineInfo } from '../../../src/api/types.ts';
import { DeadLettersCard } from '../deadletters/DeadLettersCard.tsx';
import { deadLettersSearch, parseDeadLettersQuery } from '../deadletters/deadLettersQuery.ts';
import { apiUrl } from '../lib/api.ts';
import { formatBytes, formatCount, formatDuration, formatPerSecond } from '../lib/format.ts';
import { navigate } from '../lib/router.ts';
import { subsystemColor } from '../lib/subsystemColor.ts';
import { useApi } from '../lib/useApi.ts';
import { Button } from '../ui/Button.tsx';
import { Card } from '../ui/Card.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { Icon } from '../ui/Icon.tsx';
import { LoadError } from '../ui/LoadError.tsx';
import { PageHeader } from '../ui/PageHeader.tsx';
import { Spinner } from '../ui/Spinner.tsx';
import { StaleNote } from '../ui/StaleNote.tsx';
import { Stat } from '../ui/Stat.tsx';
import { PipelineChain } from './PipelineChain.tsx';
import {
  historySeconds,
  latestRates,
  type PipelineHealth,
  pipelineHealth,
  rateSeries,
} from './pipelineMetrics.ts';
import { refreshPipelines, type Sample } from './pipelinesStore.ts';
import { StatusBadge } from './StatusBadge.tsx';
import { TryOut } from './TryOut.tsx';
import { usePipelines } from './usePipelines.ts';
import './PipelineDetailPage.css';

const DEAD_PAGE_SIZE = 10;

export function PipelineDetailPage({ name, search }: { name: string; search: string }) {
  const { data, error, samples } = usePipelines();
  const pipeline = data?.pipelines.find((p) => p.name === name);
  const back = { href: '/pipelines', label: 'Pipelines' };

  if (!pipeline) {
    let body: ReactNode;
    if (error && !data)
      body = <LoadError title="The pipeline could not be loaded" error={error} onRetry={refreshPipelines} />;
    else if (!data)
      body = (
        <div className="pl-detail__loading">
          <Spinner size="lg" label="Loading the pipeline" />
        </div>
      );
    else
      body = (
        <EmptyState
          icon="pipeline"
          title={`No pipeline named “${name}”`}
          action={
            <Button size="sm" onClick={() => navigate('/pipelines')}>
              All pipelines
            </Button>
          }
        >
          This server runs {data.pipelines.map((p) => p.name).join(', ') || 'no pipelines'}.
        </EmptyState>
      );
    return (
      <div className="page pl-detail">
        <PageHeader title={name} back={back} />
        <Card>{body}</Card>
      </div>
    );
  }

  const health = pipelineHealth(samples, name, pipeline.status);
  return (
    <div className="page pl-detail" data-testid="pipeline-detail">
      <PageHeader
        title={name}
        aside={<StatusBadge health={health} />}
        back={back}
        subtitle={
          <span className="pl-detail__subtitle">
            <span className="pl-detail__dot" style={{ background: subsystemColor(pipeline.subsystem) }} />
            {pipeline.subsystem}
            {pipeline.description ? <> · {pipeline.description}</> : null}
          </span>
        }
        actions={error ? <StaleNote error={error} /> : undefined}
      />
      <Capture pipeline={pipeline} health={health} />
      <DetailStats pipeline={pipeline} samples={samples} />
      <TryOut pipeline={pipeline} />
      <PipelineDeadLetters pipeline={pipeline} search={search} />
    </div>
  );
}

/** Source, globs and steps, with the status's reason. */
function Capture({ pipeline, health }: { pipeline: PipelineInfo; health: PipelineHealth }) {
  return (
    <div className="pl-capture">
      <div className="pl-capture__step">
        <span className="pl-capture__label">Source</span>
        <span className="pl-capture__value">
          <Icon name="file" size={14} />
          <b>{pipeline.source.type}</b>
          {pipeline.source.include?.map((g) => (
            <code key={g} className="pl-capture__glob">
              {g}
            </code>
          ))}
        </span>
      </div>
      <Icon name="arrowRight" size={16} className="pl-capture__arrow" />
      <div className="pl-capture__step pl-capture__step--grow">
        <span className="pl-capture__label">Framing, parsers, transforms</span>
        <PipelineChain pipeline={pipeline} wrap />
      </div>
      <Icon name="arrowRight" size={16} className="pl-capture__arrow" />
      <div className="pl-capture__step">
        <span className="pl-capture__label">Status</span>
        <span className="pl-capture__reason" data-testid="pipeline-health-reason">
          {health.reason}
        </span>
      </div>
    </div>
  );
}

function DetailStats({ pipeline, samples }: { pipeline: PipelineInfo; samples: Sample[] }) {
  const c = pipeline.status;
  const rates = latestRates(samples, pipeline.name);
  const seconds = historySeconds(samples, pipeline.name);
  const since = seconds >= 4 ? `over the last ${formatDuration(seconds)}` : 'since the page opened';
  const deadSeries = rateSeries(samples, pipeline.name, 'deadLetters');
  const rate = (n: number | undefined) => (n === undefined ? 'measuring…' : `${formatPerSecond(n)} now`);
  if (!c)
    return (
      <Card>
        <EmptyState compact icon="pause" title="Not running">
          This server has the pipeline configured but is not running it, so there are no counters.
        </EmptyState>
      </Card>
    );
  const consistent = c.read === c.events + c.deadLetters + c.filtered;
  const two = (a: ReactNode, b: ReactNode) => (
    <>
      {a}
      <br />
      {b}
    </>
  );
  return (
    <div className="stat-grid">
      <Stat
        testId="detail-events"
        label="Events"
        value={<span data-value={c.events}>{formatCount(c.events)}</span>}
        hint={two(rate(rates?.events), `events/s ${since}`)}
        spark={rateSeries(samples, pipeline.name, 'events')}
      />
      <Stat
        testId="detail-dead-letters"
        label="Dead letters"
        value={<span data-value={c.deadLetters}>{formatCount(c.deadLetters)}</span>}
        tone={c.deadLetters > 0 ? 'warn' : 'default'}
        hint={two(rate(rates?.deadLetters), `dead letters/s ${since}`)}
        spark={deadSeries}
        sparkTone={deadSeries.some((v) => v > 0) ? 'danger' : 'ok'}
      />
      <Stat
        testId="detail-read"
        label="Records read"
        value={<span data-value={c.read}>{formatCount(c.read)}</span>}
        hint={two(
          `${rate(rates?.read)} · ${formatBytes(c.bytesRead)} so far`,
          <span title="read = events + dead letters + filtered">
            {formatCount(c.filtered)} filtered{consistent ? ' · every record accounted for' : ''}
          </span>,
        )}
      />
      <Stat
        testId="detail-lag"
        label="Lag"
        value={formatBytes(c.bytesBehind)}
        tone={c.bytesBehind >= 1 << 20 ? 'warn' : 'default'}
        hint={two(
          `${c.filesOpen} of ${c.filesKnown} files open` +
            ((c.bytesHeld ?? 0) > 0 ? ` · ${formatBytes(c.bytesHeld ?? 0)} held` : ''),
          `${c.rotations ?? 0} rotations · ${c.truncations ?? 0} truncations`,
        )}
      />
    </div>
  );
}

function PipelineDeadLetters({ pipeline, search }: { pipeline: PipelineInfo; search: string }) {
  const query = parseDeadLettersQuery(search);
  // Page 1 reloads when the pipeline's dead-letter counter moves; later pages hold still.
  const refreshKey = query.page === 1 ? (pipeline.status?.deadLetters ?? 0) : 0;
  const state = useApi<DeadLettersResponse>(
    apiUrl('dead-letters', {
      pipeline: pipeline.name,
      limit: DEAD_PAGE_SIZE,
      offset: (query.page - 1) * DEAD_PAGE_SIZE,
    }),
    refreshKey,
  );
  const update = (patch: { page?: number; open?: string }, replace = false) =>
    navigate(`${window.location.pathname}${deadLettersSearch({ ...query, pipeline: '', ...patch })}`, {
      replace,
    });
  return (
    <DeadLettersCard
      state={state}
      title="Latest dead letters"
      page={query.page}
      pageSize={DEAD_PAGE_SIZE}
      openId={query.open}
      showPipeline={false}
      onPage={(page) => update({ page, open: '' })}
      onToggle={(id) => update({ open: query.open === id ? '' : id }, true)}
      testId="pipeline-dead-letters"
      compactEmpty
      emptyText={`Every record the ${pipeline.name} pipeline read so far became an event or was filtered.`}
    />
  );
}
