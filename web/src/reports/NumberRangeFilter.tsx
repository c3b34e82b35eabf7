// A report's number-range filter: a minimum and a maximum (either may stay empty), applied on Enter or
// when the field loses focus; the value is `min..max` as the API takes it.
import { useState } from 'react';

export interface NumberRangeFilterProps {
  id: string;
  label: string;
  value: string | undefined;
  min?: number;
  max?: number;
  onChange: (value: string | undefined) => void;
}

export function parseNumberRange(value: string | undefined): [string, string] {
  if (!value) return ['', ''];
  const [lo = '', hi = ''] = value.split('..');
  return [lo, hi];
}

export function NumberRangeFilter({ id, label, value, min, max, onChange }: NumberRangeFilterProps) {
  const [lo, hi] = parseNumberRange(value);
  const [draft, setDraft] = useState<[string, string]>([lo, hi]);
  const [last, setLast] = useState(value);
  if (value !== last) {
    setLast(value);
    setDraft([lo, hi]);
  }
  const commit = () => {
    const [a, b] = draft.map((s) => s.trim());
    const next = a || b ? `${a}..${b}` : undefined;
    if (next !== value) onChange(next);
  };
  const field = (i: 0 | 1, name: string) => (
    <input
      type="number"
      className="report-input report-number__field"
      aria-label={`${label} ${name}`}
      placeholder={
        name === 'minimum'
          ? min !== undefined
            ? `min ${min}`
            : 'min'
          : max !== undefined
            ? `max ${max}`
            : 'max'
      }
      min={min}
      max={max}
      value={draft[i]}
      data-testid={`filter-${id}-${i === 0 ? 'min' : 'max'}`}
      onChange={(e) => setDraft(i === 0 ? [e.target.value, draft[1]] : [draft[0], e.target.value])}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
      }}
    />
  );
  return (
    <div className="report-number">
      {field(0, 'minimum')}
      <span className="report-number__dash">–</span>
      {field(1, 'maximum')}
    </div>
  );
}
