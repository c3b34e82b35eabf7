// Filter bar: one chip per subsystem (colour + events in the range) and a debounced text search.
import { useEffect, useRef, useState } from 'react';
import type { VolumeResponse } from '../../../src/api/types.ts';
import { subsystemColor } from '../lib/subsystemColor.ts';
import { ChipSelect } from '../ui/ChipSelect.tsx';
import { TextInput } from '../ui/TextInput.tsx';
import './EventsFilters.css';

const SEARCH_DELAY_MS = 300;

export interface EventsFiltersProps {
  names: string[];
  /** The subsystem list could not be loaded and nothing else named one yet. */
  namesFailed: boolean;
  volume: VolumeResponse | undefined;
  selected: string[];
  q: string;
  onSubsystems: (selected: string[]) => void;
  onSearch: (q: string) => void;
}

export function EventsFilters({
  names,
  namesFailed,
  volume,
  selected,
  q,
  onSubsystems,
  onSearch,
}: EventsFiltersProps) {
  const counts: Record<string, number> = {};
  for (const p of volume?.points ?? [])
    for (const [s, n] of Object.entries(p.counts)) counts[s] = (counts[s] ?? 0) + n;

  // The box shows what is typed at once; the URL (and the query) follows after a pause.
  const [text, setText] = useState(q);
  const [lastQ, setLastQ] = useState(q);
  if (q !== lastQ) {
    setLastQ(q);
    setText(q);
  }
  const searchRef = useRef(onSearch);
  searchRef.current = onSearch;
  useEffect(() => {
    if (text.trim() === q) return;
    const t = setTimeout(() => searchRef.current(text.trim()), SEARCH_DELAY_MS);
    return () => clearTimeout(t);
  }, [text, q]);

  return (
    <div className="events-filters">
      {names.length === 0 && (
        <span className="events-filters__loading">
          {namesFailed ? 'The subsystems could not be loaded' : 'Loading subsystems…'}
        </span>
      )}
      <ChipSelect
        label="Subsystems"
        selected={selected}
        onChange={onSubsystems}
        options={names.map((n) => ({
          value: n,
          label: n,
          color: subsystemColor(n),
          count: volume ? (counts[n] ?? 0) : undefined,
        }))}
      />
      <TextInput
        className="events-filters__search"
        icon="search"
        label="Search events"
        placeholder="Search message, type, ids…"
        value={text}
        onChange={setText}
        onKeyDown={(e) => {
          if (e.key === 'Enter') onSearch(text.trim());
        }}
      />
    </div>
  );
}
