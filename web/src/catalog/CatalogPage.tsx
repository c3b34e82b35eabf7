// The Catalog page: what each source produces, sources x event types x fields with inferred type,
// fill rate, distinct values and examples, the recent rate per type, and the schema drift
// timeline. Filters (pipeline, field search) live in the URL; the data refreshes every 15 s.
import type { CatalogResponse, DriftResponse } from '../../../src/api/types.ts';
import { apiUrl } from '../lib/api.ts';
import { formatCount } from '../lib/format.ts';
import { navigate } from '../lib/router.ts';
import { subsystemColor } from '../lib/subsystemColor.ts';
import { useApi } from '../lib/useApi.ts';
import { useInterval } from '../lib/useInterval.ts';
import { ChipSelect } from '../ui/ChipSelect.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { LoadState } from '../ui/LoadState.tsx';
import { PageHeader } from '../ui/PageHeader.tsx';
import { Spinner } from '../ui/Spinner.tsx';
import { Stat } from '../ui/Stat.tsx';
import { TextInput } from '../ui/TextInput.tsx';
import { DriftTimeline } from './DriftTimeline.tsx';
import { SourceCard } from './SourceCard.tsx';
import './CatalogPage.css';

const REFRESH_MS = 15_000;

export function CatalogPage({ search }: { search: string }) {
  const params = new URLSearchParams(search);
  const pipeline = params.get('pipeline') ?? '';
  const q = params.get('q') ?? '';
  const tick = useInterval(REFRESH_MS, true);
  const all = useApi<CatalogResponse>('/api/catalog', tick);
  const catalog = useApi<CatalogResponse>(
    apiUrl('catalog', { pipeline: pipeline || undefined, q: q || undefined }),
    tick,
  );
  const drift = useApi<DriftResponse>(apiUrl('catalog/drift', { pipeline: undefined, limit: 200 }), tick);

  const update = (patch: { pipeline?: string; q?: string }) => {
    const next = new URLSearchParams(search);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    const s = next.toString();
    navigate(`${window.location.pathname}${s ? `?${s}` : ''}`, { replace: true });
  };

  const sources = all.data?.sources ?? [];
  const types = sources.reduce((a, s) => a + s.types.length, 0);
  const fields = sources.reduce((a, s) => a + s.types.reduce((b, t) => b + t.fields.length, 0), 0);

  return (
    <div className="page cat-page">
      <PageHeader
        title="Catalog"
        subtitle="What each source produces: event types, their fields with inferred types, fill and distinct values, and how that changes over time."
      />
      <div className="stat-grid">
        <Stat label="Sources" value={all.data ? sources.length : '–'} hint="pipelines with events" />
        <Stat label="Event types" value={all.data ? types : '–'} />
        <Stat label="Fields" value={all.data ? fields : '–'} hint="columns, keys and attributes" />
        <Stat
          label="Events catalogued"
          value={all.data ? formatCount(all.data.events) : '–'}
          hint={all.data ? `${all.data.runs} increments` : undefined}
        />
      </div>
      <DriftTimeline state={drift} />
      <div className="cat-page__filters">
        <span className="cat-page__filter-label">Source</span>
        <ChipSelect
          label="Source"
          single
          selected={pipeline ? [pipeline] : []}
          onChange={(s) => update({ pipeline: s[0] ?? '' })}
          options={sources.map((s) => ({
            value: s.pipeline,
            label: s.pipeline,
            color: subsystemColor(s.subsystem),
          }))}
        />
        <div className="cat-page__search">
          <TextInput
            label="Find a field or type"
            icon="search"
            value={q}
            onChange={(v) => update({ q: v })}
            placeholder="Find a field or type"
          />
        </div>
      </div>
      <LoadState
        data={catalog.data}
        error={catalog.error}
        onRetry={catalog.retry}
        errorTitle="The catalog could not be loaded"
        loading={
          <div className="cat-page__loading">
            <Spinner size="lg" label="Loading the catalog" />
          </div>
        }
        isEmpty={(d) => d.sources.length === 0}
        empty={() => (
          <EmptyState icon="catalog" title={q || pipeline ? 'Nothing matches' : 'Nothing catalogued yet'}>
            {q || pipeline
              ? 'No field or event type matches the filters.'
              : 'The catalog fills in a few seconds after the first events arrive.'}
          </EmptyState>
        )}
      >
        {(d) => (
          <div className="cat-page__sources">
            {d.sources.map((s) => (
              <SourceCard key={s.pipeline} source={s} openAll={q !== ''} />
            ))}
          </div>
        )}
      </LoadState>
    </div>
  );
}
