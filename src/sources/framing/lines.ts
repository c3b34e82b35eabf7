// Lines framing: splits bytes at the newline of the file's encoding (dropping a `\r` before it)
// into lines carrying their byte offsets in the file. Works on Buffers, not strings, so offsets
// stay byte-exact whatever the text. An incomplete last line is held until its newline arrives;
// a line over `maxLineBytes` is rejected with a reason and skipped to its end without being
// buffered, so memory stays bounded. NUL units at the start of a line are padding (a writer that
// kept writing at its old offset after a truncation leaves a hole of zeros): skipped and counted.
import { type Codec, codecFor, type Encoding } from './codec.ts';
import type { Framer, FrameSink } from './framer.ts';

/** How much of an oversize line the dead letter keeps. */
export const REJECTED_RAW_BYTES = 1024;

export interface LineFramerOptions {
  startOffset: number;
  maxLineBytes: number;
  /** Emit empty lines as records (multiline framing needs them inside a record). */
  keepEmpty?: boolean;
  /** Default utf-8. */
  encoding?: Encoding;
}

export const oversizeReason = (maxLineBytes: number): string =>
  `line longer than ${maxLineBytes} bytes (max_line_bytes); raise max_line_bytes or fix the writer`;

export class LineFramer implements Framer {
  readonly #maxLineBytes: number;
  readonly #keepEmpty: boolean;
  readonly #codec: Codec;
  /** File offset of the first byte not yet part of an emitted line (start of the held line). */
  #lineStart: number;
  /** Bytes of the held line seen so far, kept in `#carry` or (once oversize) only counted. */
  #held = 0;
  #carry: Buffer[] = [];
  /** Set once the held line is known to be oversize: its head, kept for the dead letter. */
  #oversizeHead: Buffer | undefined;
  /** Two-byte encodings: the odd last byte of a chunk, completed by the next one. */
  #odd: Buffer | undefined;
  #emptyLines = 0;
  #paddingBytes = 0;

  constructor(options: LineFramerOptions) {
    this.#lineStart = options.startOffset;
    this.#maxLineBytes = options.maxLineBytes;
    this.#keepEmpty = options.keepEmpty ?? false;
    this.#codec = codecFor(options.encoding);
  }

  get position(): number {
    return this.#lineStart;
  }

  get emptyLines(): number {
    return this.#emptyLines;
  }

  get paddingBytes(): number {
    return this.#paddingBytes;
  }

  push(input: Buffer, sink: FrameSink): void {
    const chunk = this.#codec.unit === 2 ? this.#aligned(input) : input;
    const nlLength = this.#codec.unit;
    const base = this.#lineStart + this.#held;
    let from = 0;
    if (this.#held > 0) {
      const nl = this.#codec.newline(chunk, 0);
      if (nl < 0) {
        this.#hold(chunk);
        return;
      }
      this.#completeHeld(chunk.subarray(0, nl), base + nl + nlLength, sink);
      from = nl + nlLength;
    }
    from = this.#skipPadding(chunk, from);
    for (let nl = this.#codec.newline(chunk, from); nl >= 0; nl = this.#codec.newline(chunk, from)) {
      this.#line(chunk, from, nl, base + nl + nlLength, sink);
      from = this.#skipPadding(chunk, nl + nlLength);
    }
    if (from < chunk.length) this.#hold(chunk.subarray(from));
  }

  idle(): void {}

  flush(): void {}

  /** Two-byte encodings: frames whole units only, keeping an odd trailing byte for the next chunk. */
  #aligned(input: Buffer): Buffer {
    let chunk = input;
    if (this.#odd) {
      chunk = Buffer.concat([this.#odd, input]);
      this.#odd = undefined;
    }
    if (chunk.length % 2 === 1) {
      this.#odd = Buffer.from(chunk.subarray(chunk.length - 1));
      chunk = chunk.subarray(0, chunk.length - 1);
    }
    return chunk;
  }

  /** At a line start: steps over NUL units (padding, not text); the position moves past them. */
  #skipPadding(chunk: Buffer, from: number): number {
    let at = from;
    while (at < chunk.length && this.#codec.nulAt(chunk, at)) at += this.#codec.unit;
    if (at > from) {
      this.#paddingBytes += at - from;
      this.#lineStart += at - from;
    }
    return at;
  }

  /** Emits `buf[start, end)` (without its newline) as the line ending at file offset `endOffset`. */
  #line(buf: Buffer, start: number, end: number, endOffset: number, sink: FrameSink): void {
    const offset = this.#lineStart;
    const codec = this.#codec;
    let stop = end;
    if (codec.crBefore(buf, start, stop)) stop -= codec.unit;
    // A byte order mark is an encoding marker, not text.
    if (offset === 0) start += codec.bomLength(buf, start);
    const length = stop - start;
    if (length > this.#maxLineBytes) {
      const raw = codec.decode(buf, start, Math.min(stop, start + REJECTED_RAW_BYTES));
      sink.reject(oversizeReason(this.#maxLineBytes), raw, offset, endOffset);
    } else if (length <= 0 && !this.#keepEmpty) {
      this.#emptyLines++;
    } else {
      sink.record(codec.decode(buf, start, stop), offset, endOffset);
    }
    this.#lineStart = endOffset;
  }

  #hold(bytes: Buffer): void {
    this.#held += bytes.length;
    if (this.#oversizeHead) return;
    // One unit of slack: a trailing `\r` may still turn out to belong to the terminator.
    if (this.#held > this.#maxLineBytes + this.#codec.unit) {
      this.#oversizeHead = head([...this.#carry, bytes], REJECTED_RAW_BYTES);
      this.#carry = [];
      return;
    }
    // Copied: the caller reuses its read buffer.
    this.#carry.push(Buffer.from(bytes));
  }

  #completeHeld(tail: Buffer, endOffset: number, sink: FrameSink): void {
    const total = this.#held + tail.length;
    if (this.#oversizeHead || total > this.#maxLineBytes + this.#codec.unit) {
      const first = this.#oversizeHead ?? head([...this.#carry, tail], REJECTED_RAW_BYTES);
      const raw = this.#codec.decode(first, 0, first.length);
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
