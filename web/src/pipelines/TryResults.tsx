// The try-out results in input order: an event as a compact card (time, severity, type, component,
// keys as chips, attributes as a grid, message), a dead letter highlighted with stage and reason and
// its raw text marked, a filtered record greyed out. Long answers show in steps.
import { useState } from 'react';
import type { EventRow } from '../../../src/api/types.ts';
import { RawLine } from '../deadletters/RawLine.tsx';
import { formatCount, formatTime } from '../lib/format.ts';
import { Badge } from '../ui/Badge.tsx';
import { Button } from '../ui/Button.tsx';
import { Tag } from '../ui/Tag.tsx';
import type { TryRecord } from './tryRecords.ts';
import './TryResults.css';

const STEP = 100;

export function TryResults({ records }: { records: TryRecord[] }) {
  const [shown, setShown] = useState(STEP);
  return (
    <>
      <ol className="try-results" data-testid="try-results">
        {records.slice(0, shown).map((r) => (
          <li
            key={r.result.offset}
            className={`try-item try-item--${r.result.kind}`}
            data-kind={r.result.kind}
            data-testid="try-result"
          >
            <div className="try-item__gutter" title={`Starts at byte ${r.result.offset}`}>
              line {r.line}
            </div>
            <div className="try-item__body">
              {r.result.kind === 'event' ? (
                <EventCard event={r.result.event} />
              ) : r.result.kind === 'dead_letter' ? (
                <>
                  <div className="try-item__head">
                    <Badge tone="danger">Dead letter</Badge>
                    <Tag tone="danger" title="The stage that rejected it">
                      {r.result.stage}
                    </Tag>
                    <span className="try-item__reason" data-testid="try-reason">
                      {r.result.reason}
                    </span>
                  </div>
                  <RawLine raw={r.result.raw} reason={r.result.reason} />
                </>
              ) : (
                <>
                  <div className="try-item__head">
                    <Badge>Filtered</Badge>
                    <Tag tone="muted" title="The transform that dropped it">
                      {r.result.stage}
                    </Tag>
                    <span className="try-item__note">dropped on purpose; counted, not stored</span>
                  </div>
                  <pre className="try-item__filtered">{r.text}</pre>
                </>
              )}
            </div>
          </li>
        ))}
      </ol>
      {records.length > shown && (
        <div className="try-results__more">
          <span>
            Showing {formatCount(shown)} of {formatCount(records.length)} records
          </span>
          <Button size="sm" onClick={() => setShown((n) => n + STEP * 5)}>
            Show more
          </Button>
        </div>
      )}
    </>
  );
}

function EventCard({ event: e }: { event: EventRow }) {
  const keys = Object.entries(e.keys);
  const attrs = Object.entries(e.attrs);
  return (
    <div className="try-event" data-testid="try-event">
      <div className="try-item__head">
        <span className="try-event__ts mono" title={e.ts}>
          {formatTime(e.ts, true)}
        </span>
        <Badge severity={e.severity}>{e.severity}</Badge>
        <span className="try-event__type mono">{e.type}</span>
        <span className="try-event__component mono" title="Component">
          {e.component}
        </span>
        <span className="try-event__kind">{e.kind}</span>
      </div>
      <p className="try-event__message">{e.message || <em>No message</em>}</p>
      {keys.length > 0 && (
        <div className="try-event__keys" data-testid="try-keys">
          {keys.map(([k, v]) => (
            <Tag key={k} name={k} tone="brand">
              {v}
            </Tag>
          ))}
        </div>
      )}
      {attrs.length > 0 && (
        <dl className="try-event__attrs">
          {attrs.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd className="mono">{typeof v === 'string' ? v : JSON.stringify(v)}</dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}
