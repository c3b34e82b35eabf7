// The problems the server found in a definition: each with its path, message, hint and line; a click
// jumps to the line in the editor.
import type { ValidationIssue } from './reportTypes.ts';

export interface ValidationListProps {
  errors: ValidationIssue[];
  requestError: Error | undefined;
  onJump: (line: number, col?: number) => void;
}

export function ValidationList({ errors, requestError, onJump }: ValidationListProps) {
  if (requestError)
    return (
      <p className="validation__request-error" role="alert">
        The definition could not be checked: {requestError.message}
      </p>
    );
  if (errors.length === 0) return null;
  return (
    <ul className="validation" data-testid="validation-errors" aria-label="Problems in the definition">
      {errors.map((e, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: two problems may share path and message
        <li key={i}>
          <button
            type="button"
            className="validation__item"
            disabled={e.line === undefined}
            onClick={() => e.line !== undefined && onJump(e.line, e.col)}
            data-line={e.line}
          >
            <span className="validation__where">
              {e.line !== undefined && <span className="validation__line">line {e.line}</span>}
              {e.path && <code>{e.path}</code>}
            </span>
            <span className="validation__message">{e.message}</span>
            {e.hint && <span className="validation__hint">{e.hint}</span>}
          </button>
        </li>
      ))}
    </ul>
  );
}
