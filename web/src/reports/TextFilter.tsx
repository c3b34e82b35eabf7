// A report's text-search filter: the box shows what is typed at once, the URL follows after a pause
// (or at once on Enter).
import { useEffect, useRef, useState } from 'react';
import { TextInput } from '../ui/TextInput.tsx';

const SEARCH_DELAY_MS = 400;

export interface TextFilterProps {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
}

export function TextFilter({ id, label, value, onChange }: TextFilterProps) {
  const [text, setText] = useState(value);
  const [last, setLast] = useState(value);
  if (value !== last) {
    setLast(value);
    setText(value);
  }
  const change = useRef(onChange);
  change.current = onChange;
  useEffect(() => {
    if (text.trim() === value) return;
    const t = setTimeout(() => change.current(text.trim()), SEARCH_DELAY_MS);
    return () => clearTimeout(t);
  }, [text, value]);
  return (
    <TextInput
      className="report-text"
      icon="search"
      label={label}
      placeholder={`${label}…`}
      value={text}
      onChange={setText}
      data-testid={`filter-${id}-input`}
      onKeyDown={(e) => {
        if (e.key === 'Enter') onChange(text.trim());
      }}
    />
  );
}
