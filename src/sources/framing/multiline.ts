// Multiline framing: joins continuation lines (stack traces) to the line that starts the record.
// A record starts at a line matching `start`; other lines are appended with `\n`. A held record
// is emitted when the next start line arrives, when it reaches `maxLines` lines or would span more
// than `maxLineBytes` of the file, or after `timeoutMs` without new bytes, so the last record of
// a quiet file is not held forever. While a record is held, `position` stays at its first line.
import type { Encoding } from './codec.ts';
import type { Framer, FrameSink } from './framer.ts';
import { LineFramer } from './lines.ts';

export interface MultilineFramerOptions {
  startOffset: number;
  maxLineBytes: number;
  start: RegExp;
  timeoutMs: number;
  maxLines: number;
  encoding?: Encoding;
}

export class MultilineFramer implements Framer {
  readonly #lines: LineFramer;
  readonly #start: RegExp;
  readonly #timeoutMs: number;
  readonly #maxLines: number;
  readonly #maxBytes: number;
  #parts: string[] = [];
  #offset = 0;
  #endOffset = 0;
  #emptyLines = 0;
  /** Sink of the push in progress; the line framer calls back into `#lineSink` synchronously. */
  #out: FrameSink | undefined;
  readonly #lineSink: FrameSink = {
    record: (text, offset, endOffset) => this.#onLine(text, offset, endOffset),
    reject: (reason, raw, offset, endOffset) => {
      // Ending the held record first keeps emission in file order, so `position` only moves forward.
      this.#emit();
      this.#out!.reject(reason, raw, offset, endOffset);
    },
  };

  constructor(options: MultilineFramerOptions) {
    this.#lines = new LineFramer({
      startOffset: options.startOffset,
      maxLineBytes: options.maxLineBytes,
      keepEmpty: true,
      encoding: options.encoding,
    });
    // A global or sticky regex would carry lastIndex from one test() to the next.
    this.#start = new RegExp(options.start.source, options.start.flags.replace(/[gy]/g, ''));
    this.#timeoutMs = options.timeoutMs;
    this.#maxLines = options.maxLines;
    this.#maxBytes = options.maxLineBytes;
  }

  get position(): number {
    return this.#parts.length > 0 ? this.#offset : this.#lines.position;
  }

  get emptyLines(): number {
    return this.#emptyLines;
  }

  get paddingBytes(): number {
    return this.#lines.paddingBytes;
  }

  push(chunk: Buffer, sink: FrameSink): void {
    this.#out = sink;
    this.#lines.push(chunk, this.#lineSink);
  }

  idle(idleMs: number, sink: FrameSink): void {
    if (idleMs >= this.#timeoutMs) this.flush(sink);
  }

  flush(sink: FrameSink): void {
    this.#out = sink;
    this.#emit();
  }

  #onLine(text: string, offset: number, endOffset: number): void {
    if (this.#parts.length > 0 && (this.#start.test(text) || endOffset - this.#offset > this.#maxBytes))
      this.#emit();
    if (this.#parts.length === 0) {
      if (text === '') {
        this.#emptyLines++;
        return;
      }
      this.#offset = offset;
    }
    this.#parts.push(text);
    this.#endOffset = endOffset;
    if (this.#parts.length >= this.#maxLines) this.#emit();
  }

  #emit(): void {
    if (this.#parts.length === 0) return;
    // Blank lines between a trace and the next record belong to neither; keep the text clean.
    let n = this.#parts.length;
    while (n > 1 && this.#parts[n - 1] === '') n--;
    const text = n === 1 ? this.#parts[0]! : this.#parts.slice(0, n).join('\n');
    this.#parts = [];
    this.#out!.record(text, this.#offset, this.#endOffset);
  }
}
