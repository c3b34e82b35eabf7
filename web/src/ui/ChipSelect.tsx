// Chips that filter: each option toggles; an empty selection means "all" and shows every chip on.
// With `single`, a click picks just that option (again: back to all), for filters the API takes one of.
import { formatCount } from '../lib/format.ts';
import './ChipSelect.css';

export interface ChipOption {
  value: string;
  label: string;
  /** Dot colour identifying the option (e.g. a subsystem's colour). */
  color?: string;
  count?: number;
}

export interface ChipSelectProps {
  label: string;
  options: ChipOption[];
  /** Selected values; empty = all. */
  selected: string[];
  onChange: (selected: string[]) => void;
  single?: boolean;
}

export function ChipSelect({ label, options, selected, onChange, single }: ChipSelectProps) {
  const all = selected.length === 0;
  const toggle = (value: string) => {
    if (single) return onChange(selected.length === 1 && selected[0] === value ? [] : [value]);
    const current = all ? options.map((o) => o.value) : selected;
    const next = current.includes(value) ? current.filter((v) => v !== value) : [...current, value];
    // Everything or nothing selected both mean "no filter".
    onChange(next.length === options.length || next.length === 0 ? [] : next);
  };
  return (
    <fieldset className="chips">
      <legend className="visually-hidden">{label}</legend>
      {options.map((o) => {
        const on = all || selected.includes(o.value);
        return (
          <button
            key={o.value}
            type="button"
            aria-pressed={on}
            className={on ? 'chip is-on' : 'chip'}
            data-value={o.value}
            onClick={() => toggle(o.value)}
          >
            {o.color && <span className="chip__dot" style={{ background: o.color }} />}
            <span className="chip__label">{o.label}</span>
            {o.count !== undefined && <span className="chip__count">{formatCount(o.count)}</span>}
          </button>
        );
      })}
      {!all && (
        <button type="button" className="chips__reset" onClick={() => onChange([])}>
          Show all
        </button>
      )}
    </fieldset>
  );
}
