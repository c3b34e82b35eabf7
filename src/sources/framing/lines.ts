// Lines framing: splits bytes at `\n` (dropping a `\r` before it) into UTF-8 lines carrying their
// byte offsets in the file. Works on Buffers, not strings, so offsets stay byte-exact whatever the
// text. An incomplete last line is held until its `\n` arrives; a line over `maxLineBytes` is
// rejected with a reason and skipped to its end without being buffered, so memory stays bounded.
import type { Framer, FrameSink } from './framer.ts';

const NL = 0x0a;
const CR = 0x0d;
/** How much of an oversize line the dead letter keeps. */
export const REJECTED_RAW_BYTES = 1024;

export interface LineFramerOptions {
  startOffset: number;
  maxLineBytes: number;
  /** Emit empty lines as records (multiline framing needs them inside a record). */
  keepEmpty?: boolean;
}

export const oversizeReason = (maxLineBytes: number): string =>
  `line longer than ${maxLineBytes} bytes (max_line_bytes); raise max_line_bytes or fix the writer`;

export class LineFramer implements Framer {
  readonly #maxLineBytes: number;
  readonly #keepEmpty: boolean;
  /** File offset of the first byte not yet part of an emitted line (start of the held line). */
  #lineStart: number;
  /** Bytes of the held line seen so far, kept in `#carry` or (once oversize) only counted. */
  #held = 0;
  #carry: Buffer[] = [];
  /** Set once the held line is known to be oversize: its head, kept for the dead letter. */
  #oversizeHead: Buffer | undefined;
  #emptyLines = 0;

  constructor(options: LineFramerOptions) {
    this.#lineStart = options.startOffset;
    this.#maxLineBytes = options.maxLineBytes;
    this.#keepEmpty = options.keepEmpty ?? false;
  }

  get position(): number {
    return this.#lineStart;
  }

  get emptyLines(): number {
    return this.#emptyLines;
  }

  push(chunk: Buffer, sink: FrameSink): void {
    const base = this.#lineStart + this.#held;
    let from = 0;
    if (this.#held > 0) {
      const nl = chunk.indexOf(NL);
      if (nl < 0) {
        this.#hold(chunk);
        return;
      }
      this.#completeHeld(chunk.subarray(0, nl), base + nl + 1, sink);
      from = nl + 1;
    }
    for (let nl = chunk.indexOf(NL, from); nl >= 0; nl = chunk.indexOf(NL, from)) {
      this.#line(chunk, from, nl, base + nl + 1, sink);
      from = nl + 1;
    }
    if (from < chunk.length) this.#hold(chunk.subarray(from));
  }

  idle(): void {}

  flush(): void {}

  /** Emits `buf[start, end)` (without its `\n`) as the line ending at file offset `endOffset`. */
  #line(buf: Buffer, start: number, end: number, endOffset: number, sink: FrameSink): void {
    const offset = this.#lineStart;
    let stop = end;
    if (stop > start && buf[stop - 1] === CR) stop--;
    // A UTF-8 byte order mark is an encoding marker, not text.
    if (offset === 0 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf) start += 3;
    const length = stop - start;
    if (length > this.#maxLineBytes) {
      const raw = buf.toString('utf8', start, start + REJECTED_RAW_BYTES);
      sink.reject(oversizeReason(this.#maxLineBytes), raw, offset, endOffset);
    } else if (length === 0 && !this.#keepEmpty) {
      this.#emptyLines++;
    } else {
      sink.record(buf.toString('utf8', start, stop), offset, endOffset);
    }
    this.#lineStart = endOffset;
  }

  #hold(bytes: Buffer): void {
    this.#held += bytes.length;
    if (this.#oversizeHead) return;
    // One byte of slack: a trailing `\r` may still turn out to belong to the terminator.
    if (this.#held > this.#maxLineBytes + 1) {
      this.#oversizeHead = head([...this.#carry, bytes], REJECTED_RAW_BYTES);
      this.#carry = [];
      return;
    }
    // Copied: the caller reuses its read buffer.
    this.#carry.push(Buffer.from(bytes));
  }

  #completeHeld(tail: Buffer, endOffset: number, sink: FrameSink): void {
    const total = this.#held + tail.length;
    if (this.#oversizeHead || total > this.#maxLineBytes + 1) {
      const raw = (this.#oversizeHead ?? head([...this.#carry, tail], REJECTED_RAW_BYTES)).toString('utf8');
      sink.reject(oversizeReason(this.#maxLineBytes), raw, this.#lineStart, endOffset);
      this.#lineStart = endOffset;
    } else {
      const line = Buffer.concat([...this.#carry, tail], total);
      this.#line(line, 0, line.length, endOffset, sink);
    }
    this.#held = 0;
    this.#carry = [];
    this.#oversizeHead = undefined;
  }
}

/** The first `n` bytes of the concatenation of `parts`, copied. */
function head(parts: Buffer[], n: number): Buffer {
  const out = Buffer.alloc(
    Math.min(
      n,
      parts.reduce((sum, p) => sum + p.length, 0),
    ),
  );
  let at = 0;
  for (const p of parts) {
    if (at >= out.length) break;
    at += p.copy(out, at, 0, Math.min(p.length, out.length - at));
  }
  return out;
}
