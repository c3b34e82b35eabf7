// The Patterns page: the message templates mined from every source's free text (the last hour that
// has been mined), with counts and a sparkline each, the changes (new message types, rate jumps and
// falls), and a pattern's examples on a click. Filter and open pattern live in the URL; refreshed
// every 5 s.
import type { PatternChange, PatternChangesResponse, PatternsResponse } from '../../../src/api/types.ts';
import { apiUrl } from '../lib/api.ts';
import { navigate } from '../lib/router.ts';
import { subsystemColor } from '../lib/subsystemColor.ts';
import { useApi } from '../lib/useApi.ts';
import { useInterval } from '../lib/useInterval.ts';
import { ChipSelect } from '../ui/ChipSelect.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { LoadState } from '../ui/LoadState.tsx';
import { PageHeader } from '../ui/PageHeader.tsx';
import { Spinner } from '../ui/Spinner.tsx';
import { PatternChangesCard } from './PatternChangesCard.tsx';
import { PatternSourceCard } from './PatternSourceCard.tsx';
import { openKey, type PatternsQuery, parsePatternsQuery, patternsSearch } from './patternsQuery.ts';
import './PatternsPage.css';

export function PatternsPage({ search }: { search: string }) {
  const query = parsePatternsQuery(search);
  const tick = useInterval(5000, true);
  const all = useApi<PatternsResponse>(apiUrl('patterns', { limit: 1 }), tick);
  const patterns = useApi<PatternsResponse>(apiUrl('patterns', { source: query.source, limit: 15 }), tick);
  const changes = useApi<PatternChangesResponse>(
    apiUrl('patterns/changes', { source: query.source, limit: 50 }),
    tick,
  );

  const update = (patch: Partial<PatternsQuery>, replace = false) =>
    navigate(`${window.location.pathname}${patternsSearch({ ...query, ...patch })}`, { replace });
  const names = (all.data?.sources ?? []).map((s) => ({ name: s.pipeline, subsystem: s.subsystem }));
  if (query.source && !names.some((n) => n.name === query.source))
    names.push({ name: query.source, subsystem: '' });
  const openChange = (c: PatternChange) => update({ source: c.pipeline, open: openKey(c.pipeline, c.id) });

  return (
    <div className="page patterns">
      <PageHeader
        title="Patterns"
        subtitle="Message templates mined from each source's free text: variable parts become <*>. New message types and rate changes are flagged."
      />
      <div className="patterns__filters">
        <span className="patterns__filter-label">Source</span>
        {names.length === 0 ? (
          <span className="patterns__note">
            {all.error ? 'The sources could not be loaded' : 'No sources mined yet'}
          </span>
        ) : (
          <ChipSelect
            label="Source"
            single
            selected={query.source ? [query.source] : []}
            onChange={(s) => update({ source: s[0] ?? '', open: '' })}
            options={names.map((n) => ({
              value: n.name,
              label: n.name,
              color: subsystemColor(n.subsystem || n.name),
            }))}
          />
        )}
      </div>
      <PatternChangesCard state={changes} onOpen={openChange} />
      <LoadState
        data={patterns.data}
        error={patterns.error}
        onRetry={patterns.retry}
        errorTitle="The patterns could not be loaded"
        loading={<Spinner size="lg" label="Loading patterns" />}
        isEmpty={(d) => d.sources.length === 0}
        empty={() => (
          <EmptyState icon="search" title="No patterns yet">
            Templates appear here a few seconds after the first events arrive.
          </EmptyState>
        )}
      >
        {(d) =>
          d.sources.map((s) => (
            <PatternSourceCard
              key={s.pipeline}
              source={s}
              open={query.open}
              onToggle={(key) => update({ open: query.open === key ? '' : key }, true)}
            />
          ))
        }
      </LoadState>
    </div>
  );
}
