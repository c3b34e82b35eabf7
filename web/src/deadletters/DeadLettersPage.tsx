// The Dead letters page: every input that could not become an event, across all pipelines, newest
// first, filtered by pipeline; state (pipeline, page, open row) in the URL. Page 1 reloads when the
// live stream reports a new dead letter (every 10 s while the stream is down).
import type { DeadLettersResponse, PipelinesResponse } from '../../../src/api/types.ts';
import { apiUrl } from '../lib/api.ts';
import { navigate } from '../lib/router.ts';
import { subsystemColor } from '../lib/subsystemColor.ts';
import { useApi } from '../lib/useApi.ts';
import { useInterval } from '../lib/useInterval.ts';
import { useLive } from '../lib/useLive.ts';
import { ChipSelect } from '../ui/ChipSelect.tsx';
import { PageHeader } from '../ui/PageHeader.tsx';
import { DeadLettersCard } from './DeadLettersCard.tsx';
import {
  type DeadLettersQuery,
  deadLettersSearch,
  PAGE_SIZE,
  parseDeadLettersQuery,
} from './deadLettersQuery.ts';
import './DeadLettersPage.css';

const FALLBACK_MS = 10_000;

export function DeadLettersPage({ search }: { search: string }) {
  const query = parseDeadLettersQuery(search);
  const live = useLive();
  const fallback = useInterval(FALLBACK_MS, live.status !== 'live' && query.page === 1);
  const refreshKey =
    query.page === 1 ? `${live.last?.deadLetters ?? ''}|${live.status === 'live' ? '' : fallback}` : '';

  const pipelines = useApi<PipelinesResponse>('/api/pipelines');
  const deadLetters = useApi<DeadLettersResponse>(
    apiUrl('dead-letters', {
      pipeline: query.pipeline || undefined,
      limit: PAGE_SIZE,
      offset: (query.page - 1) * PAGE_SIZE,
    }),
    refreshKey,
  );

  const subsystemOf = new Map((pipelines.data?.pipelines ?? []).map((p) => [p.name, p.subsystem]));
  const colorOf = (name: string) => subsystemColor(subsystemOf.get(name) ?? name);
  const names = (pipelines.data?.pipelines ?? []).map((p) => p.name);
  // A pipeline in the URL that the configuration no longer has still shows, so it can be turned off.
  if (query.pipeline && !names.includes(query.pipeline)) names.push(query.pipeline);

  const update = (patch: Partial<DeadLettersQuery>, replace = false) => {
    const next = { ...query, ...patch };
    navigate(`${window.location.pathname}${deadLettersSearch(next)}`, { replace });
  };

  const toolbar = (
    <div className="dl-page__filters">
      <span className="dl-page__filter-label">Pipeline</span>
      {names.length === 0 ? (
        <span className="dl-page__filter-note">
          {pipelines.error ? 'The pipelines could not be loaded' : 'Loading pipelines…'}
        </span>
      ) : (
        <ChipSelect
          label="Pipeline"
          single
          selected={query.pipeline ? [query.pipeline] : []}
          onChange={(s) => update({ pipeline: s[0] ?? '', page: 1, open: '' })}
          options={names.map((n) => ({ value: n, label: n, color: colorOf(n) }))}
        />
      )}
    </div>
  );

  return (
    <div className="page dl-page">
      <PageHeader
        title="Dead letters"
        subtitle="Inputs that could not become events, kept with the stage and the reason. Nothing is dropped silently."
      />
      <DeadLettersCard
        state={deadLetters}
        title={query.pipeline ? `Dead letters of ${query.pipeline}` : 'All pipelines'}
        page={query.page}
        pageSize={PAGE_SIZE}
        openId={query.open}
        showPipeline
        colorOf={colorOf}
        onPage={(page) => update({ page, open: '' })}
        onToggle={(id) => update({ open: query.open === id ? '' : id }, true)}
        toolbar={toolbar}
        emptyText={
          query.pipeline
            ? `Every record the ${query.pipeline} pipeline read so far became an event or was filtered. One that cannot shows up here at once, with its reason.`
            : 'Every record read so far became an event or was filtered. One that cannot shows up here at once, with its reason.'
        }
      />
    </div>
  );
}
