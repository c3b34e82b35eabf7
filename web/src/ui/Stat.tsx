// Stat: one headline number with a label, a hint line and an optional sparkline of recent values.
import type { ReactNode } from 'react';
import { Sparkline, type SparkTone } from './Sparkline.tsx';
import './Stat.css';

export interface StatProps {
  label: string;
  value: ReactNode;
  hint?: ReactNode;
  tone?: 'default' | 'warn' | 'danger';
  /** Recent values, oldest first, drawn as a small line. */
  spark?: number[];
  sparkTone?: SparkTone;
  testId?: string;
}

export function Stat({ label, value, hint, tone = 'default', spark, sparkTone, testId }: StatProps) {
  return (
    <div className={`stat stat--${tone}`} data-testid={testId}>
      <div className="stat__label">{label}</div>
      <div className="stat__row">
        <div className="stat__value">{value}</div>
        {spark && spark.length > 1 && <Sparkline values={spark} tone={sparkTone} />}
      </div>
      {hint && <div className="stat__hint">{hint}</div>}
    </div>
  );
}
