// The evidence behind one candidate key: which field on each side, in which event types the
// values first show, how many values are shared (of how many), how many appear in both close in
// time, how reliably one side sees them first, the typical delay and a few example values.
import type { LinkKeyEvidence } from '../../../src/api/types.ts';
import { formatMs } from '../lib/format.ts';
import { Tag } from '../ui/Tag.tsx';
import './KeyEvidence.css';

const pct = (x: number) => `${Math.round(x * 100)}%`;

export function KeyEvidence({ k, from, to }: { k: LinkKeyEvidence; from: string; to: string }) {
  return (
    <div className="key-ev">
      <div className="key-ev__fields">
        <span className="key-ev__side">
          <span className="key-ev__sub">{from}</span>
          <code>{k.fromField}</code>
          <span className="key-ev__type">in {k.fromType}</span>
        </span>
        <span className="key-ev__arrow" aria-hidden>
          →
        </span>
        <span className="key-ev__side">
          <span className="key-ev__sub">{to}</span>
          <code>{k.toField}</code>
          <span className="key-ev__type">in {k.toType}</span>
        </span>
      </div>
      <dl className="key-ev__numbers">
        <div>
          <dt>Shared values</dt>
          <dd title={`${k.fromDistinct} distinct in ${from}, ${k.toDistinct} in ${to}`}>
            {k.shared} <span className="key-ev__of">({pct(k.overlap)} overlap)</span>
          </dd>
        </div>
        <div>
          <dt>Close in time</dt>
          <dd>{pct(k.alignedShare)}</dd>
        </div>
        <div>
          <dt>{from} first</dt>
          <dd>{pct(k.directionShare)}</dd>
        </div>
        <div>
          <dt>Typical delay</dt>
          <dd title={`5th to 95th percentile: ${formatMs(k.delayMs.p05)} to ${formatMs(k.delayMs.p95)}`}>
            {formatMs(k.delayMs.p50)}{' '}
            <span className="key-ev__of">
              ({formatMs(k.delayMs.p05)} – {formatMs(k.delayMs.p95)})
            </span>
          </dd>
        </div>
        <div>
          <dt>Confidence</dt>
          <dd>{pct(k.confidence)}</dd>
        </div>
      </dl>
      {k.examples.length > 0 && (
        <div className="key-ev__examples">
          <span className="key-ev__label">Examples</span>
          {k.examples.map((x) => (
            <Tag key={x.value} name={`${x.delayMs >= 0 ? '+' : ''}${formatMs(x.delayMs)}`}>
              {x.value}
            </Tag>
          ))}
        </div>
      )}
    </div>
  );
}
