// A clock that ticks every `ms` while enabled and the tab is visible; returns the time of the last tick.
import { useEffect, useState } from 'react';

export function useInterval(ms: number, enabled: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!enabled) return;
    setNow(Date.now());
    const id = setInterval(() => {
      if (document.visibilityState === 'visible') setNow(Date.now());
    }, ms);
    return () => clearInterval(id);
  }, [ms, enabled]);
  return now;
}
