// LoadState: the body of a panel fed by a request. Until the first answer: the error with a retry, or
// the loading placeholder; then the empty state when the answer has nothing, else the content. A
// failed refresh keeps the last answer on screen (see StaleNote for saying so).
import type { ReactNode } from 'react';
import { LoadError } from './LoadError.tsx';

export interface LoadStateProps<T> {
  /** The last good answer, if any. */
  data: T | undefined;
  error: Error | undefined;
  onRetry: () => void;
  /** Title of the error state, e.g. "The events could not be loaded". */
  errorTitle: string;
  /** Shown while the first answer is on its way: a skeleton or a spinner. */
  loading: ReactNode;
  /** Whether an answer has nothing to show (then `empty` renders instead of the content). */
  isEmpty?: (data: T) => boolean;
  empty?: (data: T) => ReactNode;
  children: (data: T) => ReactNode;
}

export function LoadState<T>(props: LoadStateProps<T>) {
  const { data, error, isEmpty, empty, children } = props;
  if (error && data === undefined)
    return <LoadError title={props.errorTitle} error={error} onRetry={props.onRetry} />;
  if (data === undefined) return <>{props.loading}</>;
  if (empty && isEmpty?.(data)) return <>{empty(data)}</>;
  return <>{children(data)}</>;
}
