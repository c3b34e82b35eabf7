// Frames a whole text in memory the way a pipeline's framing would frame a file (lines, or
// multiline by its start pattern): for `mortar parse` and behaviour cases, where input is small.
import type { FramingConfig } from '../config/schema.ts';

/** The pipeline's framing applied to a whole text (lines, or multiline by its start pattern). */
export function frameText(text: string, framing: FramingConfig): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  if (framing.type === 'lines') return lines;
  const start = new RegExp(framing.start);
  const records: string[] = [];
  for (const line of lines) {
    if (records.length === 0 || start.test(line)) records.push(line);
    else records[records.length - 1] += `\n${line}`;
  }
  return records;
}
