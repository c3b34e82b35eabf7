// Segmented control: pick exactly one of a few options (a compact single select).
import './Segmented.css';

export interface SegmentedOption<V extends string> {
  value: V;
  label: string;
  title?: string;
}

export interface SegmentedProps<V extends string> {
  label: string;
  options: SegmentedOption<V>[];
  /** null: none selected (e.g. a custom range is active). */
  value: V | null;
  onChange: (value: V) => void;
}

export function Segmented<V extends string>({ label, options, value, onChange }: SegmentedProps<V>) {
  return (
    <fieldset className="segmented">
      <legend className="visually-hidden">{label}</legend>
      {options.map((o) => (
        <button
          key={o.value}
          type="button"
          aria-pressed={o.value === value}
          title={o.title}
          className={o.value === value ? 'segmented__item is-active' : 'segmented__item'}
          onClick={() => onChange(o.value)}
        >
          {o.label}
        </button>
      ))}
    </fieldset>
  );
}
