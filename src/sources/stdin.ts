// The `stdin` source: records from standard input, framed like a file (lines or multiline), for
// piping into `mortar ingest --once`. It ends when its input closes; a last line without a line
// end is still a record. Nothing to resume from (a pipe cannot be re-read): no positions, and the
// record ids are unique per run (fileId `stdin#<run>`, byte offsets), so piping the same input
// twice stores it twice. Backpressure is the pipe's own: nothing is read while a batch is unconsumed.
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { FramingConfig } from '../config/schema.ts';
import { createFramer, type FrameSink, type FramingOptions, toFramingOptions } from './framing/framer.ts';
import type { RawRecord, RejectedRecord, Source, SourceBatch, SourceStats } from './source.ts';

export interface StdinOptions {
  pipeline: string;
  framing?: FramingConfig | FramingOptions;
  maxLineBytes?: number;
  /** Default: process.stdin. */
  input?: Readable;
  /** How often a multiline record held without new input is checked for its timeout. */
  idleCheckMs?: number;
}

const IDLE = Symbol('idle');
const ABORTED = Symbol('aborted');

export function createStdinSource(options: StdinOptions): Source {
  return new StdinSource(options);
}

class StdinSource implements Source {
  readonly #o: StdinOptions;
  #bytesRead = 0;
  #emptyLines = 0;
  #running = false;

  constructor(o: StdinOptions) {
    this.#o = o;
  }

  stats(): SourceStats {
    return {
      filesOpen: 0,
      filesKnown: 0,
      bytesRead: this.#bytesRead,
      bytesBehind: 0,
      emptyLines: this.#emptyLines,
    };
  }

  async *batches(signal: AbortSignal): AsyncGenerator<SourceBatch> {
    if (this.#running) throw new Error('stdin source: batches() is already running');
    this.#running = true;
    const input = this.#o.input ?? process.stdin;
    const framer = createFramer(
      toFramingOptions(this.#o.framing ?? { type: 'lines' }),
      0,
      this.#o.maxLineBytes ?? 1_048_576,
    );
    const file = 'stdin';
    const fileId = `stdin#${randomBytes(6).toString('hex')}`;
    let records: RawRecord[] = [];
    let rejected: RejectedRecord[] = [];
    const sink: FrameSink = {
      record: (text, offset, endOffset) => records.push({ text, file, fileId, offset, endOffset }),
      reject: (reason, raw, offset, endOffset) =>
        rejected.push({ file, fileId, offset, endOffset, reason, raw }),
    };
    const take = (): SourceBatch => {
      const b = { records, rejected, positions: [] };
      records = [];
      rejected = [];
      this.#emptyLines = framer.emptyLines;
      return b;
    };
    const aborted = new Promise<typeof ABORTED>((r) => {
      if (signal.aborted) r(ABORTED);
      signal.addEventListener('abort', () => r(ABORTED), { once: true });
    });
    const chunks = (input as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
    // A read still pending when we stop must not become an unhandled rejection.
    const read = () => {
      const p = chunks.next();
      p.catch(() => {});
      return p;
    };
    let next = read();
    let lastByte = 0x0a;
    let lastDataMs = Date.now();
    let idleTimer: NodeJS.Timeout | undefined;
    try {
      for (;;) {
        const idle = new Promise<typeof IDLE>((r) => {
          idleTimer = setTimeout(() => r(IDLE), this.#o.idleCheckMs ?? 200);
        });
        const got = await Promise.race([next, idle, aborted]);
        clearTimeout(idleTimer);
        if (got === ABORTED) {
          framer.flush(sink);
          // Releases the input (a pipe nobody reads would keep the process alive).
          void chunks.return?.().catch(() => {});
          break;
        }
        if (got === IDLE) framer.idle(Date.now() - lastDataMs, sink);
        else if (got.done) {
          // The input ended: its last line is complete even without a line end.
          if (lastByte !== 0x0a) framer.push(Buffer.from('\n'), sink);
          framer.flush(sink);
          break;
        } else {
          const chunk = typeof got.value === 'string' ? Buffer.from(got.value) : got.value;
          next = read();
          if (chunk.length === 0) continue;
          this.#bytesRead += chunk.length;
          lastByte = chunk[chunk.length - 1]!;
          lastDataMs = Date.now();
          framer.push(chunk, sink);
        }
        if (records.length > 0 || rejected.length > 0) yield take();
      }
      if (records.length > 0 || rejected.length > 0) yield take();
    } finally {
      clearTimeout(idleTimer);
      this.#emptyLines = framer.emptyLines;
      this.#running = false;
    }
  }
}
