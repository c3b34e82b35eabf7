// The open row of the events table: the full message, correlation keys (click one to search for it),
// attributes, the raw input line and where it came from (lineage).
import type { EventRow } from '../../../src/api/types.ts';
import { formatTime } from '../lib/format.ts';
import { DetailItem, DetailList } from '../ui/DetailList.tsx';
import './EventDetail.css';

export interface EventDetailProps {
  event: EventRow;
  onSearch: (q: string) => void;
}

export function EventDetail({ event: e, onSearch }: EventDetailProps) {
  const keys = Object.entries(e.keys);
  const attrs = Object.entries(e.attrs);
  const lagMs = Date.parse(e.receivedAt) - Date.parse(e.ts);
  return (
    <div className="event-detail" data-testid="event-detail">
      <p className="event-detail__message">{e.message || <em>No message</em>}</p>
      <div className="event-detail__grid">
        <section>
          <h3 className="event-detail__heading">Keys</h3>
          {keys.length ? (
            <div className="event-detail__keys">
              {keys.map(([k, v]) => (
                <button
                  key={k}
                  type="button"
                  className="event-detail__key"
                  title={`Search for ${v}`}
                  onClick={() => onSearch(v)}
                >
                  <span>{k}</span>
                  <b>{v}</b>
                </button>
              ))}
            </div>
          ) : (
            <p className="event-detail__none">No correlation keys</p>
          )}
          <h3 className="event-detail__heading">Attributes</h3>
          {attrs.length ? (
            <DetailList labelWidth={120}>
              {attrs.map(([k, v]) => (
                <div key={k}>
                  <dt>{k}</dt>
                  <dd className="mono">{showValue(v)}</dd>
                </div>
              ))}
            </DetailList>
          ) : (
            <p className="event-detail__none">No attributes</p>
          )}
        </section>
        <section>
          <h3 className="event-detail__heading">Lineage</h3>
          <DetailList labelWidth={120}>
            <DetailItem label="Pipeline" value={e.pipeline} />
            <DetailItem label="Source" value={`${e.source} · ${e.file}`} />
            <DetailItem label="Offset" value={String(e.offset)} />
            <DetailItem label="Kind" value={e.kind} />
            <DetailItem label="Event time" value={`${formatTime(e.ts, true)} (${e.ts})`} />
            <DetailItem
              label="Received"
              value={`${formatTime(e.receivedAt, true)}${Number.isFinite(lagMs) ? ` (+${(lagMs / 1000).toFixed(3)} s)` : ''}`}
            />
            <DetailItem label="Event id" value={e.id} />
          </DetailList>
        </section>
      </div>
      <h3 className="event-detail__heading">Raw</h3>
      <pre className="event-detail__raw">{e.raw}</pre>
    </div>
  );
}

function showValue(v: EventRow['attrs'][string]): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}
