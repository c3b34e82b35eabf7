// The Links page: identifiers whose values appear in more than one subsystem, proposed as edges
// with their evidence (parameter-value correspondence), to accept (a declared edge, with the YAML
// to keep it) or dismiss; below, the value sharing that is explained away and why.
import { useState } from 'react';
import type { LinkCandidate, LinksResponse } from '../../../src/api/types.ts';
import { formatTime } from '../lib/format.ts';
import { useApi } from '../lib/useApi.ts';
import { useInterval } from '../lib/useInterval.ts';
import { Card } from '../ui/Card.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { LoadState } from '../ui/LoadState.tsx';
import { PageHeader } from '../ui/PageHeader.tsx';
import { Spinner } from '../ui/Spinner.tsx';
import { Stat } from '../ui/Stat.tsx';
import { CandidateCard } from './CandidateCard.tsx';
import './LinksPage.css';

const REFRESH_MS = 30_000;

export function LinksPage() {
  const tick = useInterval(REFRESH_MS, true);
  const [decided, setDecided] = useState(0);
  const links = useApi<LinksResponse>('/api/links', `${tick}|${decided}`);
  const [local, setLocal] = useState<Record<string, LinkCandidate>>({});
  const candidates = (links.data?.candidates ?? []).map((c) => local[c.id] ?? c);
  const count = (s: LinkCandidate['status']) => candidates.filter((c) => c.status === s).length;
  const onDecided = (c: LinkCandidate) => {
    setLocal((l) => ({ ...l, [c.id]: c }));
    setDecided((n) => n + 1);
  };
  return (
    <div className="page links-page">
      <PageHeader
        title="Links"
        subtitle="Identifiers whose values show up in more than one subsystem, in a consistent order: connections nobody declared, with the evidence."
      />
      <div className="stat-grid">
        <Stat label="Proposed" value={links.data ? count('proposed') : '–'} />
        <Stat
          label="Accepted"
          value={links.data ? count('accepted') : '–'}
          hint="declared edges in the topology"
        />
        <Stat label="Dismissed" value={links.data ? count('dismissed') : '–'} />
        <Stat
          label="Window"
          value={links.data?.window ? formatTime(links.data.window.to, false, false) : '–'}
          hint={
            links.data?.window
              ? `from ${formatTime(links.data.window.from, true, false)}`
              : 'not computed yet'
          }
        />
      </div>
      <LoadState
        data={links.data}
        error={links.error}
        onRetry={links.retry}
        errorTitle="The link candidates could not be loaded"
        loading={
          <div className="links-page__loading">
            <Spinner size="lg" label="Loading the link candidates" />
          </div>
        }
        isEmpty={(d) => d.candidates.length === 0 && d.explained.length === 0}
        empty={() => (
          <EmptyState icon="topology" title="No shared identifiers yet">
            Candidates appear once identifier values (ids, references) show up in two subsystems, a few dozen
            of them, close together in time. Inference reruns every 30 seconds over the last hour.
          </EmptyState>
        )}
      >
        {(d) => (
          <>
            <div className="links-page__list">
              {candidates.map((c) => (
                <CandidateCard key={c.id} c={c} onDecided={onDecided} />
              ))}
            </div>
            {d.explained.length > 0 && (
              <Card
                title="Not proposed"
                subtitle="Subsystems that share values, explained by another connection"
              >
                <ul className="links-page__explained">
                  {d.explained.map((x) => (
                    <li key={x.id}>
                      <strong>
                        {x.a} ↔ {x.b}
                      </strong>
                      {x.keys[0] && (
                        <code>
                          {x.keys[0].fromField} = {x.keys[0].toField}
                        </code>
                      )}
                      <span>{x.reason}</span>
                    </li>
                  ))}
                </ul>
              </Card>
            )}
          </>
        )}
      </LoadState>
    </div>
  );
}
