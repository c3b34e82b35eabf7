// Syslog over TCP (RFC 6587): a connection uses either octet counting (`LEN SP MSG`, RFC 5425
// style) or non-transparent framing (one message per line). The first byte of the connection
// decides: a digit means octet counting. Offsets are byte offsets in the connection's stream.
// Memory per connection is bounded by the maximum message size: an oversize message is rejected
// with its head kept and the rest skipped without buffering.

export interface RecordSink {
  record(text: string, offset: number, endOffset: number): void;
  reject(reason: string, raw: string, offset: number, endOffset: number): void;
}

/** How much of a rejected message the dead letter keeps. */
export const REJECTED_HEAD_BYTES = 1024;

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

export const oversizeMessage = (max: number): string =>
  `message longer than ${max} bytes (max_line_bytes); raise max_line_bytes or shorten the sender's messages`;

export class SyslogStreamFramer {
  #mode: 'detect' | 'octet' | 'line' = 'detect';
  /** Stream offset of the first byte of the next chunk. */
  #pos = 0;
  /** Stream offset where the frame being assembled starts. */
  #frameStart = 0;
  /** Octet counting: digits of the length read so far, then the length (-1 while reading digits). */
  #digits = '';
  #len = -1;
  /** Message bytes held (only the head once oversize). */
  #parts: Buffer[] = [];
  #held = 0;
  #have = 0;
  #oversize = false;
  emptyLines = 0;

  constructor(private readonly maxBytes: number) {}

  get mode(): 'detect' | 'octet' | 'line' {
    return this.#mode;
  }

  /** Frames the next bytes; false when the stream is corrupt (octet count unreadable) and must be closed. */
  push(chunk: Buffer, sink: RecordSink): boolean {
    const base = this.#pos;
    this.#pos += chunk.length;
    if (this.#mode === 'detect' && chunk.length > 0) this.#mode = isDigit(chunk[0]!) ? 'octet' : 'line';
    return this.#mode === 'octet' ? this.#pushOctet(chunk, base, sink) : this.#pushLines(chunk, base, sink);
  }

  /** The connection closed: a line without its terminator is still a message; a short octet frame is not. */
  end(sink: RecordSink): void {
    if (this.#mode === 'line' && this.#have > 0) this.#emit(this.#pos, sink);
    else if (this.#mode === 'octet' && (this.#len >= 0 || this.#digits)) {
      const reason =
        this.#len >= 0
          ? `connection closed after ${this.#have} of ${this.#len} announced bytes (octet counting)`
          : 'connection closed inside an octet count';
      sink.reject(reason, this.#digits || this.#text(), this.#frameStart, this.#pos);
      this.#reset(this.#pos);
    }
  }

  #pushLines(chunk: Buffer, base: number, sink: RecordSink): boolean {
    let i = 0;
    while (i < chunk.length) {
      const nl = chunk.indexOf(LF, i);
      const stop = nl < 0 ? chunk.length : nl;
      this.#hold(chunk.subarray(i, stop));
      if (nl < 0) break;
      this.#emit(base + nl + 1, sink);
      i = nl + 1;
    }
    return true;
  }

  #pushOctet(chunk: Buffer, base: number, sink: RecordSink): boolean {
    let i = 0;
    while (i < chunk.length) {
      if (this.#len < 0) {
        const c = chunk[i]!;
        if (isDigit(c) && this.#digits.length < 10) this.#digits += String.fromCharCode(c);
        else if (c === SP && this.#digits.length > 0 && this.#digits[0] !== '0') {
          this.#len = Number(this.#digits);
          this.#digits = '';
          this.#oversize = this.#len > this.maxBytes;
        } else if ((c === LF || c === CR) && this.#digits.length === 0) {
          // A trailer some senders put after each counted frame: not part of any message.
          this.#frameStart = base + i + 1;
        } else {
          const raw = this.#digits + chunk.subarray(i, i + REJECTED_HEAD_BYTES).toString('utf8');
          sink.reject(
            'invalid octet count: expected "LEN SP MSG" (RFC 6587); the connection is closed so the sender can resynchronise',
            raw,
            this.#frameStart,
            base + chunk.length,
          );
          this.#reset(base + chunk.length);
          return false;
        }
        i++;
        continue;
      }
      const take = Math.min(this.#len - this.#have, chunk.length - i);
      this.#hold(chunk.subarray(i, i + take));
      i += take;
      if (this.#have === this.#len) this.#emit(base + i, sink);
    }
    return true;
  }

  #hold(piece: Buffer): void {
    if (piece.length === 0) return;
    this.#have += piece.length;
    if (!this.#oversize && this.#have > this.maxBytes) {
      this.#oversize = true;
      // Keep only the head for the dead letter.
      const head = Buffer.concat(this.#parts).subarray(0, REJECTED_HEAD_BYTES);
      this.#parts = [head];
      this.#held = head.length;
    }
    if (!this.#oversize) {
      this.#parts.push(piece);
      this.#held += piece.length;
    } else if (this.#held < REJECTED_HEAD_BYTES) {
      const keep = piece.subarray(0, REJECTED_HEAD_BYTES - this.#held);
      this.#parts.push(Buffer.from(keep));
      this.#held += keep.length;
    }
  }

  #emit(endOffset: number, sink: RecordSink): void {
    if (this.#oversize)
      sink.reject(oversizeMessage(this.maxBytes), this.#text(), this.#frameStart, endOffset);
    else {
      const text = trimTrailer(this.#text());
      if (text.length === 0) this.emptyLines++;
      else sink.record(text, this.#frameStart, endOffset);
    }
    this.#reset(endOffset);
  }

  #text(): string {
    return (this.#parts.length === 1 ? this.#parts[0]! : Buffer.concat(this.#parts)).toString('utf8');
  }

  #reset(frameStart: number): void {
    this.#frameStart = frameStart;
    this.#digits = '';
    this.#len = -1;
    this.#parts = [];
    this.#held = 0;
    this.#have = 0;
    this.#oversize = false;
  }
}

/** Drops the line terminator (and NUL trailers) a sender may leave at the end of a message. */
export function trimTrailer(text: string): string {
  let end = text.length;
  while (end > 0) {
    const c = text.charCodeAt(end - 1);
    if (c !== 0x0a && c !== 0x0d && c !== 0) break;
    end--;
  }
  return end === text.length ? text : text.slice(0, end);
}
