// Loads a URL and keeps the last good data while the next request runs (stale-while-revalidate),
// so a refresh never blanks the screen; a newer URL aborts the request still in flight. A changed
// `refreshKey` (e.g. a clock tick or a live counter) loads the same URL again.
import { useEffect, useRef, useState } from 'react';
import { getJson } from './api.ts';

export interface ApiState<T> {
  data: T | undefined;
  error: Error | undefined;
  /** A request is in flight (data may still show the previous answer). */
  loading: boolean;
  /** The URL that `data` answers. */
  dataUrl: string | undefined;
  /** The URL asked for now. */
  url: string | null;
  retry: () => void;
}

export function useApi<T>(url: string | null, refreshKey?: string | number): ApiState<T> {
  const [state, setState] = useState<Omit<ApiState<T>, 'retry' | 'url'>>({
    data: undefined,
    error: undefined,
    loading: url !== null,
    dataUrl: undefined,
  });
  const [attempt, setAttempt] = useState(0);
  const retry = useRef(() => setAttempt((a) => a + 1)).current;

  // biome-ignore lint/correctness/useExhaustiveDependencies: attempt and refreshKey re-run the same URL
  useEffect(() => {
    if (url === null) return;
    const ctrl = new AbortController();
    setState((s) => (s.loading ? s : { ...s, loading: true }));
    getJson<T>(url, ctrl.signal).then(
      (data) => {
        if (!ctrl.signal.aborted) setState({ data, error: undefined, loading: false, dataUrl: url });
      },
      (error: Error) => {
        if (!ctrl.signal.aborted) setState((s) => ({ ...s, error, loading: false }));
      },
    );
    return () => ctrl.abort();
  }, [url, attempt, refreshKey]);

  return { ...state, url, retry };
}
