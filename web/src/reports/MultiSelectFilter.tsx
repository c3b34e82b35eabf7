// A report's multi-select filter: a button naming the selection and a popover listing the values
// from the data (with counts), searchable, and narrowed by the linked filters' current values (the
// values URL carries them). Values load when the popover opens.
import { useEffect, useState } from 'react';
import { formatCount } from '../lib/format.ts';
import { useApi } from '../lib/useApi.ts';
import { Button } from '../ui/Button.tsx';
import { Spinner } from '../ui/Spinner.tsx';
import { TextInput } from '../ui/TextInput.tsx';
import { Popover } from './Popover.tsx';
import type { FilterValuesResponse } from './reportTypes.ts';

const SEARCH_DELAY_MS = 250;

export interface MultiSelectFilterProps {
  id: string;
  label: string;
  selected: string[];
  /** The values endpoint for a search text (linked filters already in it). */
  valuesUrl: (text: string) => string;
  onChange: (values: string[]) => void;
}

export function MultiSelectFilter({ id, label, selected, valuesUrl, onChange }: MultiSelectFilterProps) {
  const [open, setOpen] = useState(false);
  const summary =
    selected.length === 0
      ? 'All'
      : selected.length <= 2
        ? selected.join(', ')
        : `${selected.length} selected`;
  return (
    <Popover
      open={open}
      onOpenChange={setOpen}
      trigger={
        <button
          type="button"
          className={selected.length ? 'report-select is-set' : 'report-select'}
          aria-haspopup="dialog"
          aria-expanded={open}
          aria-label={`${label}: ${summary}`}
          data-testid={`filter-${id}-button`}
        >
          <span className="report-select__value">{summary}</span>
          <span className="report-select__caret" aria-hidden="true">
            ▾
          </span>
        </button>
      }
    >
      <ValueList id={id} label={label} selected={selected} valuesUrl={valuesUrl} onChange={onChange} />
    </Popover>
  );
}

function ValueList({ id, label, selected, valuesUrl, onChange }: MultiSelectFilterProps) {
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');
  useEffect(() => {
    const t = setTimeout(() => setQuery(text.trim()), SEARCH_DELAY_MS);
    return () => clearTimeout(t);
  }, [text]);
  const values = useApi<FilterValuesResponse>(valuesUrl(query));
  const listed = values.data?.values ?? [];
  // Selected values the data no longer lists (narrowed away) stay visible, so they can be removed.
  const missing = selected.filter((s) => !listed.some((v) => v.value === s));
  const toggle = (v: string) =>
    onChange(selected.includes(v) ? selected.filter((x) => x !== v) : [...selected, v]);
  return (
    <div className="report-values" data-testid={`filter-${id}-values`}>
      <TextInput
        icon="search"
        label={`Search ${label}`}
        placeholder={`Search ${label.toLowerCase()}…`}
        value={text}
        onChange={setText}
        autoFocus
      />
      <fieldset className="report-values__list">
        <legend className="visually-hidden">{label}</legend>
        {values.error && <p className="report-values__error">{values.error.message}</p>}
        {!values.data && !values.error && <Spinner size="sm" label="Loading values" />}
        {values.data && listed.length === 0 && missing.length === 0 && (
          <p className="report-values__empty">No values{query ? ` matching “${query}”` : ''}.</p>
        )}
        {[...missing.map((value) => ({ value, count: undefined })), ...listed].map((v) => {
          const on = selected.includes(v.value);
          return (
            <label key={v.value} className={on ? 'report-values__item is-on' : 'report-values__item'}>
              <input type="checkbox" checked={on} onChange={() => toggle(v.value)} data-value={v.value} />
              <span className="report-values__name">{v.value}</span>
              {v.count !== undefined && <span className="report-values__count">{formatCount(v.count)}</span>}
            </label>
          );
        })}
      </fieldset>
      {selected.length > 0 && (
        <Button size="sm" variant="ghost" onClick={() => onChange([])}>
          Clear ({selected.length})
        </Button>
      )}
    </div>
  );
}
