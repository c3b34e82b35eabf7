// LoadError: the danger empty state of a request that failed, with its message and a retry button.
import { Button } from './Button.tsx';
import { EmptyState } from './EmptyState.tsx';

export interface LoadErrorProps {
  /** E.g. "The events could not be loaded". */
  title: string;
  error: Error;
  onRetry: () => void;
}

export function LoadError({ title, error, onRetry }: LoadErrorProps) {
  return (
    <EmptyState
      icon="alert"
      tone="danger"
      title={title}
      action={
        <Button size="sm" icon="refresh" onClick={onRetry}>
          Try again
        </Button>
      }
    >
      {error.message}
    </EmptyState>
  );
}
