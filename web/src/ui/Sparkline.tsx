// Sparkline: a small line (with a soft area below) of recent values, oldest first. Scales to its own
// maximum; a flat zero line stays at the bottom. Decorative unless given a label.
import './Sparkline.css';

export type SparkTone = 'brand' | 'danger' | 'ok' | 'warn';

export interface SparklineProps {
  values: number[];
  width?: number;
  height?: number;
  tone?: SparkTone;
  /** Read out by screen readers; without it the line is hidden from them. */
  label?: string;
  className?: string;
}

export function Sparkline({
  values,
  width = 96,
  height = 28,
  tone = 'brand',
  label,
  className,
}: SparklineProps) {
  if (values.length < 2) return null;
  const max = Math.max(1e-9, ...values);
  const step = width / (values.length - 1);
  const y = (v: number) => (height - 2 - (Math.max(0, v) / max) * (height - 4)).toFixed(1);
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${y(v)}`).join(' ');
  return (
    <svg
      className={`sparkline sparkline--${tone} ${className ?? ''}`}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role={label ? 'img' : undefined}
      aria-label={label}
      aria-hidden={label ? undefined : true}
    >
      <polyline points={`0,${height} ${points} ${width},${height}`} className="sparkline__area" />
      <polyline points={points} className="sparkline__line" />
    </svg>
  );
}
