// Stat: one headline number with a label, a hint line and an optional sparkline of recent values.
import type { ReactNode } from 'react';
import './Stat.css';

export interface StatProps {
  label: string;
  value: ReactNode;
  hint?: ReactNode;
  tone?: 'default' | 'warn';
  /** Recent values, oldest first, drawn as a small line. */
  spark?: number[];
  testId?: string;
}

export function Stat({ label, value, hint, tone = 'default', spark, testId }: StatProps) {
  return (
    <div className={`stat stat--${tone}`} data-testid={testId}>
      <div className="stat__label">{label}</div>
      <div className="stat__row">
        <div className="stat__value">{value}</div>
        {spark && spark.length > 1 && <Sparkline values={spark} />}
      </div>
      {hint && <div className="stat__hint">{hint}</div>}
    </div>
  );
}

function Sparkline({ values }: { values: number[] }) {
  const w = 96;
  const h = 28;
  const max = Math.max(1, ...values);
  const step = w / (values.length - 1);
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(h - 2 - (v / max) * (h - 4)).toFixed(1)}`);
  return (
    <svg className="stat__spark" width={w} height={h} viewBox={`0 0 ${w} ${h}`} aria-hidden="true">
      <polyline points={`0,${h} ${points.join(' ')} ${w},${h}`} className="stat__spark-area" />
      <polyline points={points.join(' ')} className="stat__spark-line" />
    </svg>
  );
}
