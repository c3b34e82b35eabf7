// The filter bar of a report page, generated from the report's filter declarations: one control per
// filter by its kind, its label above it, and the API's complaint about it (if any) right below it.
import { MultiSelectFilter } from './MultiSelectFilter.tsx';
import { NumberRangeFilter } from './NumberRangeFilter.tsx';
import type { FilterSpec } from './reportTypes.ts';
import { TextFilter } from './TextFilter.tsx';
import { TimeRangeFilter } from './TimeRangeFilter.tsx';
import './FilterBar.css';

export interface FilterBarProps {
  filters: FilterSpec[];
  values: Record<string, string[]>;
  onChange: (id: string, values: string[]) => void;
  /** The values endpoint of a multi-select filter for a search text. */
  valuesUrl: (filter: FilterSpec, text: string) => string;
  errors: Record<string, string>;
}

export function FilterBar({ filters, values, onChange, valuesUrl, errors }: FilterBarProps) {
  if (filters.length === 0) return null;
  return (
    <div className="report-filters" data-testid="report-filters">
      {filters.map((f) => {
        const v = values[f.id] ?? [];
        const error = errors[f.id];
        return (
          <div
            key={f.id}
            className={error ? 'report-filter has-error' : 'report-filter'}
            data-testid={`filter-${f.id}`}
            data-kind={f.kind}
          >
            <span className="report-filter__label">
              {f.label}
              {f.dependsOn?.length ? (
                <span className="report-filter__linked" title={`Narrowed by ${f.dependsOn.join(', ')}`}>
                  linked
                </span>
              ) : null}
            </span>
            {f.kind === 'time_range' && (
              <TimeRangeFilter id={f.id} label={f.label} value={v[0]} onChange={(x) => onChange(f.id, [x])} />
            )}
            {f.kind === 'multi_select' && (
              <MultiSelectFilter
                id={f.id}
                label={f.label}
                selected={v}
                valuesUrl={(text) => valuesUrl(f, text)}
                onChange={(x) => onChange(f.id, x)}
              />
            )}
            {f.kind === 'text' && (
              <TextFilter
                id={f.id}
                label={f.label}
                value={v[0] ?? ''}
                onChange={(x) => onChange(f.id, x ? [x] : [])}
              />
            )}
            {f.kind === 'number_range' && (
              <NumberRangeFilter
                id={f.id}
                label={f.label}
                value={v[0]}
                min={f.min}
                max={f.max}
                onChange={(x) => onChange(f.id, x ? [x] : [])}
              />
            )}
            {error && (
              <span className="report-filter__error" role="alert" data-testid={`filter-${f.id}-error`}>
                {error}
              </span>
            )}
          </div>
        );
      })}
    </div>
  );
}
