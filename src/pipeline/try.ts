// Runs sample text through one pipeline without a warehouse: framing, parsers, transforms, map.
// The onboarding path shared by `mortar parse` and the web try-out box.
import { randomUUID } from 'node:crypto';
import type { DeadLetter, MortarEvent } from '../events/event.ts';
import { nowUs } from '../events/time.ts';
import type { BuiltPipeline } from './build.ts';
import { frameText } from './frame-text.ts';
import { type Filtered, isDeadLetter, isFiltered } from './processor.ts';

export type TryOutput =
  | { kind: 'event'; event: MortarEvent }
  | { kind: 'dead'; dead: DeadLetter }
  | { kind: 'filtered'; filtered: Filtered; offset: number };

/** Every record of `text`, in order; `file` names the input in lineage (a fresh file identity each call). */
export function* tryPipeline(p: BuiltPipeline, text: string, file = 'input'): Generator<TryOutput> {
  const receivedAt = nowUs();
  const fileId = `try-${randomUUID()}`;
  for (const f of frameText(text, p.config.framing, p.config.source.max_line_bytes)) {
    const where = { file, fileId, offset: f.offset, endOffset: f.endOffset };
    const out =
      f.kind === 'record'
        ? p.processor.process({ ...where, text: f.text }, receivedAt)
        : p.processor.reject({ ...where, reason: f.reason, raw: f.raw }, receivedAt);
    if (isFiltered(out)) yield { kind: 'filtered', filtered: out, offset: f.offset };
    else if (isDeadLetter(out)) yield { kind: 'dead', dead: out };
    else yield { kind: 'event', event: out };
  }
}
