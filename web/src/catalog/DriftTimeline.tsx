// The drift timeline: every recorded schema change, newest first, on a vertical line: what changed
// (new type or field, type change, vanished field, collapsed rate), where, and when it showed in
// the data (and when it was noticed).
import type { DriftResponse } from '../../../src/api/types.ts';
import { formatTime } from '../lib/format.ts';
import type { ApiState } from '../lib/useApi.ts';
import { Badge } from '../ui/Badge.tsx';
import { Card } from '../ui/Card.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { LoadState } from '../ui/LoadState.tsx';
import { Spinner } from '../ui/Spinner.tsx';
import { DRIFT_LABEL, DRIFT_TONE } from './catalogFormat.ts';
import './DriftTimeline.css';

export function DriftTimeline({ state }: { state: ApiState<DriftResponse> }) {
  return (
    <Card
      title="Schema drift"
      subtitle="Changes in what the sources write, in event time"
      actions={state.data ? <span className="drift__count">{state.data.total} recorded</span> : undefined}
    >
      <LoadState
        data={state.data}
        error={state.error}
        onRetry={state.retry}
        errorTitle="The drift could not be loaded"
        loading={<Spinner label="Loading the drift" />}
        isEmpty={(d) => d.rows.length === 0}
        empty={() => (
          <EmptyState icon="clock" title="No drift so far" compact>
            A new field or event type, a field that changes type or vanishes, or a rate that collapses shows
            up here with the time it appeared.
          </EmptyState>
        )}
      >
        {(d) => (
          <ol className="drift" aria-label="Drift timeline">
            {d.rows.map((r) => (
              <li
                key={`${r.at}|${r.pipeline}|${r.type}|${r.field ?? ''}|${r.change}`}
                className="drift__item"
              >
                <span className={`drift__dot drift__dot--${DRIFT_TONE[r.change]}`} aria-hidden />
                <time className="drift__time" dateTime={r.at} title={`noticed ${r.detectedAt}`}>
                  {formatTime(r.at, true, false)}
                </time>
                <Badge tone={DRIFT_TONE[r.change]}>{DRIFT_LABEL[r.change]}</Badge>
                <span className="drift__where">
                  <strong>{r.pipeline}</strong> · <code>{r.type}</code>
                  {r.field && (
                    <>
                      {' '}
                      · <code>{r.field}</code>
                    </>
                  )}
                </span>
                <span className="drift__detail">{r.detail}</span>
              </li>
            ))}
          </ol>
        )}
      </LoadState>
    </Card>
  );
}
