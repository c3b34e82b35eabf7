// Validates the YAML being edited on the server (POST /api/reports/validate) a moment after typing
// stops; the newest answer wins, an older one still in flight is aborted.
import { useEffect, useState } from 'react';
import { postJson } from '../lib/api.ts';
import type { ValidateResponse } from './reportTypes.ts';

const DELAY_MS = 500;

export interface Validation {
  /** The YAML the answer is for. */
  yaml: string | undefined;
  answer: ValidateResponse | undefined;
  error: Error | undefined;
  pending: boolean;
}

export function useValidation(yaml: string, enabled: boolean): Validation {
  const [state, setState] = useState<Validation>({
    yaml: undefined,
    answer: undefined,
    error: undefined,
    pending: false,
  });
  useEffect(() => {
    if (!enabled) return;
    const ctrl = new AbortController();
    setState((s) => (s.pending ? s : { ...s, pending: true }));
    const t = setTimeout(() => {
      postJson<ValidateResponse>('/api/reports/validate', { yaml }, ctrl.signal).then(
        (answer) => setState({ yaml, answer, error: undefined, pending: false }),
        (error: Error) => {
          if (!ctrl.signal.aborted) setState({ yaml, answer: undefined, error, pending: false });
        },
      );
    }, DELAY_MS);
    return () => {
      clearTimeout(t);
      ctrl.abort();
    };
  }, [yaml, enabled]);
  return state;
}
