// StaleNote: "Not refreshed: …" when a refresh failed and the last answer stays on screen. Inline (one
// ellipsised line, e.g. in a card's actions) or as a banner above a table.
import './StaleNote.css';

export interface StaleNoteProps {
  error: Error;
  banner?: boolean;
  /** Width of the inline note before it ellipsises (default 360 px). */
  maxWidth?: number;
}

export function StaleNote({ error, banner, maxWidth }: StaleNoteProps) {
  if (banner)
    return (
      <div className="stale-banner" role="status">
        Not refreshed: {error.message}
      </div>
    );
  return (
    <span className="stale-note" title={error.message} style={maxWidth ? { maxWidth } : undefined}>
      Not refreshed: {error.message}
    </span>
  );
}
