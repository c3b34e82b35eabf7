// A dead letter's raw text in monospace: the part its reason points at is marked, and characters
// that are otherwise invisible (tabs, carriage returns, control bytes, trailing spaces) are drawn as
// symbols so "why does this not match" has a visible answer. Very long text is shown around the mark.
import type { ReactNode } from 'react';
import { formatCount } from '../lib/format.ts';
import { findOffending } from './offending.ts';
import './RawLine.css';

const SHOW_CHARS = 2_000;

export interface RawLineProps {
  raw: string;
  /** The dead letter's reason; without it nothing is marked. */
  reason?: string;
  /** Single line with ellipsis (table cells) instead of the wrapped block. */
  inline?: boolean;
  testId?: string;
}

export function RawLine({ raw, reason, inline, testId }: RawLineProps) {
  const hit = reason ? findOffending(raw, reason) : null;
  // Show a window around the mark when the text is long.
  let from = 0;
  if (!inline && raw.length > SHOW_CHARS && hit)
    from = Math.max(0, Math.min(hit.start - 200, raw.length - SHOW_CHARS));
  const to = inline ? Math.min(raw.length, 500) : Math.min(raw.length, from + SHOW_CHARS);
  const parts: ReactNode[] = [];
  if (hit && hit.start >= from && hit.start <= to) {
    parts.push(...visible(raw.slice(from, hit.start), 'a', false, Boolean(inline)));
    parts.push(
      <mark
        key="mark"
        className={hit.end > hit.start ? 'raw__mark' : 'raw__mark raw__mark--point'}
        title={`Marked: ${hit.note}`}
      >
        {hit.end > hit.start
          ? visible(raw.slice(hit.start, Math.min(hit.end, to)), 'm', false, Boolean(inline))
          : '⟂'}
      </mark>,
    );
    parts.push(...visible(raw.slice(Math.min(hit.end, to), to), 'b', to === raw.length, Boolean(inline)));
  } else {
    parts.push(...visible(raw.slice(from, to), 'a', to === raw.length, Boolean(inline)));
  }
  const cls = inline ? 'raw raw--inline' : 'raw';
  return (
    <div className="raw-block" data-testid={testId}>
      <pre className={cls} data-raw="">
        {from > 0 && <span className="raw__more">… {formatCount(from)} characters before · </span>}
        {raw.length === 0 ? <span className="raw__more">(empty)</span> : parts}
        {!inline && to < raw.length && (
          <span className="raw__more"> · {formatCount(raw.length - to)} more characters …</span>
        )}
      </pre>
      {!inline && hit && <div className="raw__note">Marked: {hit.note}</div>}
    </div>
  );
}

/** Splits text into plain runs and symbols for invisible characters; `atEnd`: mark trailing spaces;
 * `oneLine`: draw line breaks as a symbol too. */
function visible(text: string, prefix: string, atEnd: boolean, oneLine: boolean): ReactNode[] {
  const out: ReactNode[] = [];
  const trailing = atEnd ? (/[ \u00a0]+$/.exec(text)?.[0].length ?? 0) : 0;
  const body = text.slice(0, text.length - trailing);
  let run = '';
  let k = 0;
  const flush = () => {
    if (run) out.push(run);
    run = '';
  };
  for (const ch of body) {
    const code = ch.codePointAt(0)!;
    const shown = symbolFor(ch, code, oneLine);
    if (shown === null) {
      run += ch;
      continue;
    }
    flush();
    out.push(
      <span key={`${prefix}${k++}`} className={shown.bad ? 'raw__bad' : 'raw__ws'} title={shown.title}>
        {shown.text}
      </span>,
    );
    if (ch === '\t') out.push('\t');
  }
  flush();
  if (trailing > 0)
    out.push(
      <span
        key={`${prefix}t`}
        className="raw__ws raw__ws--trail"
        title={`${trailing} trailing space${trailing === 1 ? '' : 's'}`}
      >
        {'·'.repeat(trailing)}
      </span>,
    );
  return out;
}

/** How an otherwise invisible or broken character is drawn; null: as itself. */
function symbolFor(
  ch: string,
  code: number,
  oneLine: boolean,
): { text: string; title: string; bad?: boolean } | null {
  if (ch === '\t') return { text: '→', title: 'tab' };
  if (ch === '\n') return oneLine ? { text: '↵', title: 'line break' } : null;
  if (ch === '\r') return { text: '\\r', title: 'carriage return' };
  if (ch === '\ufffd') return { text: '\ufffd', title: 'bytes that are not valid UTF-8', bad: true };
  if (ch === '\ufeff') return { text: '\\uFEFF', title: 'byte order mark' };
  if (code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0))
    return {
      text: `\\x${code.toString(16).padStart(2, '0')}`,
      title: `control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`,
      bad: true,
    };
  return null;
}
