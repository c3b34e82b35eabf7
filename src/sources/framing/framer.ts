// Framing: a file's bytes -> records (DESIGN.md convention 4: framing is separate from parsing).
// A framer is fed one file's chunks in order and reports records through a sink. Its `position`
// is where a restart must resume: the end of the last record it emitted, never past a record it
// still holds, so committing it with the emitted rows loses and repeats nothing.
import type { FramingConfig } from '../../config/schema.ts';
import { parseDurationMs } from '../../events/time.ts';
import type { Encoding } from './codec.ts';
import { LineFramer } from './lines.ts';
import { MultilineFramer } from './multiline.ts';

/** Receives what a framer emits; offsets are byte offsets in the file. */
export interface FrameSink {
  record(text: string, offset: number, endOffset: number): void;
  reject(reason: string, raw: string, offset: number, endOffset: number): void;
}

export interface Framer {
  /** Frames the next bytes of the file (the chunk may be reused by the caller afterwards). */
  push(chunk: Buffer, sink: FrameSink): void;
  /** Tells the framer no new bytes arrived for `idleMs`; emits a held record whose timeout passed. */
  idle(idleMs: number, sink: FrameSink): void;
  /** Emits a held record now (its file will not grow any more); an incomplete last line stays held. */
  flush(sink: FrameSink): void;
  /** Resume offset: just after the last emitted record (or skipped empty line). */
  readonly position: number;
  /** Empty lines dropped instead of emitted (they carry nothing to parse). */
  readonly emptyLines: number;
  /** NUL padding skipped at line starts (a hole left by a writer after a truncation). */
  readonly paddingBytes: number;
}

export type FramingOptions =
  | { type: 'lines' }
  | { type: 'multiline'; start: RegExp; timeoutMs: number; maxLines: number };

/** Resolves validated configuration (durations as text, regex as source); resolved options pass through. */
export function toFramingOptions(framing: FramingConfig | FramingOptions): FramingOptions {
  if (framing.type === 'lines' || !('timeout' in framing)) return framing;
  const timeoutMs = parseDurationMs(framing.timeout);
  if (timeoutMs === undefined)
    throw new Error(`multiline timeout "${framing.timeout}" passed validation but is malformed`);
  return { type: 'multiline', start: new RegExp(framing.start), timeoutMs, maxLines: framing.max_lines };
}

/** A framer for one file whose reading starts at `startOffset` (0, or a committed position). */
export function createFramer(
  options: FramingOptions,
  startOffset: number,
  maxLineBytes: number,
  encoding: Encoding = 'utf-8',
): Framer {
  if (options.type === 'lines') return new LineFramer({ startOffset, maxLineBytes, encoding });
  return new MultilineFramer({ ...options, startOffset, maxLineBytes, encoding });
}
