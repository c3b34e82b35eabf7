// Finds the part of a dead letter's raw text that its reason points at, so the UI can mark it:
// a column or JSON position the reason names, else a quoted value from the reason that occurs in the
// text. Reasons are free text written for people, so this is a best effort that returns null rather
// than guess when nothing in the reason can be found in the text.

export interface Offending {
  start: number;
  /** Exclusive; equal to start for a point (e.g. the text ended too early). */
  end: number;
  /** What the mark means, e.g. "column 13" or "the value the reason names". */
  note: string;
}

/** Quoted strings preceded by these words name a field, an element or a format, not the bad text. */
const NAME_BEFORE = /(?:field|element|format|of|parser|header|key)\s*$/i;

export function findOffending(raw: string, reason: string): Offending | null {
  const column = /\bat column (\d+)\b/.exec(reason);
  if (column) {
    const start = Number(column[1]) - 1;
    if (start >= 0 && start <= raw.length) return point(raw, start, `column ${start + 1}`);
  }
  const position = /\bat position (\d+)\b/.exec(reason);
  if (position) {
    const start = Number(position[1]);
    if (start >= 0 && start <= raw.length) return point(raw, start, `position ${start}`);
  }
  if (/unexpected end of (?:JSON )?input|ends before|unterminated/i.test(reason)) {
    return { start: raw.length, end: raw.length, note: 'where the text ends too early' };
  }
  const token = /Unexpected token '(.+?)'/.exec(reason);
  if (token?.[1]) {
    const start = raw.indexOf(token[1]);
    if (start >= 0) return { start, end: start + token[1].length, note: 'the unexpected character' };
  }
  let best: Offending | null = null;
  for (const m of reason.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'/g)) {
    const before = reason.slice(Math.max(0, m.index - 16), m.index);
    if (NAME_BEFORE.test(before)) continue;
    const quoted = (m[1] ?? m[2] ?? '').replace(/…$/, '');
    if (quoted.length === 0) continue;
    const start = raw.indexOf(quoted);
    if (start >= 0 && (!best || quoted.length > best.end - best.start)) {
      best = { start, end: start + quoted.length, note: 'the value the reason names' };
    }
  }
  return best;
}

/** One character at `start` (or the end of the text), widened to the rest of a word for readability. */
function point(raw: string, start: number, note: string): Offending {
  if (start >= raw.length)
    return { start: raw.length, end: raw.length, note: `${note}, the end of the text` };
  return { start, end: start + 1, note };
}
