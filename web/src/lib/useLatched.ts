// Follows `value` while not frozen and holds the last value while frozen (no effect, no extra commit).
import { useState } from 'react';

export function useLatched<T>(value: T, frozen: boolean): T {
  const [latched, setLatched] = useState(value);
  if (!frozen && !Object.is(latched, value)) setLatched(value);
  return frozen ? latched : value;
}
