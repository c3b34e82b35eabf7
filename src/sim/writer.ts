// A log file that rotates by size and by rename, as most daemons do it: when `X.log` would pass
// `rotateBytes`, `X.log.(n)` becomes `X.log.(n+1)`, ..., `X.log` becomes `X.log.1`, the oldest
// beyond `keepRotated` is deleted, and a fresh `X.log` is created. Records reach the file in
// single write(2) calls of whole records (a record never straddles two writes), so a killed
// simulator never leaves half a line behind.
import {
  closeSync,
  existsSync,
  openSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';

export interface WriterOptions {
  /** Rotate before a write would make the file larger than this; Infinity: never. */
  rotateBytes: number;
  keepRotated: number;
  /** Collect records up to this many bytes before writing (batch mode); 0 writes each at once. */
  bufferBytes: number;
}

/** Line counts per file path, shared by all writers so the manifest can report every file. */
export interface LineLedger {
  lines: Map<string, number>;
  droppedFiles: number;
  droppedLines: number;
}

export class RotatingWriter {
  private fd: number;
  private size: number;
  private pending: string[] = [];
  private pendingBytes = 0;
  private pendingLines = 0;
  bytesWritten = 0;
  linesWritten = 0;

  constructor(
    readonly path: string,
    private readonly opts: WriterOptions,
    private readonly ledger: LineLedger,
  ) {
    this.fd = openSync(path, 'a');
    this.size = statSync(path).size;
    // A restarted realtime run appends: count what earlier runs left so the manifest stays true.
    for (let n = 0; n <= opts.keepRotated; n++) {
      const p = n === 0 ? path : `${path}.${n}`;
      if (!ledger.lines.has(p) && existsSync(p)) ledger.lines.set(p, countLines(p));
    }
  }

  /** Appends one record (without its final newline; it may contain inner newlines). */
  write(record: string): void {
    const text = `${record}\n`;
    const bytes = Buffer.byteLength(text);
    const lines = countNewlines(text);
    if (this.size + this.pendingBytes > 0 && this.size + this.pendingBytes + bytes > this.opts.rotateBytes) {
      this.flush();
      this.rotate();
    }
    this.pending.push(text);
    this.pendingBytes += bytes;
    this.pendingLines += lines;
    if (this.pendingBytes >= this.opts.bufferBytes) this.flush();
  }

  flush(): void {
    if (this.pendingBytes === 0) return;
    const buf = Buffer.from(this.pending.length === 1 ? this.pending[0]! : this.pending.join(''));
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off);
    this.size += buf.length;
    this.bytesWritten += buf.length;
    this.linesWritten += this.pendingLines;
    this.ledger.lines.set(this.path, (this.ledger.lines.get(this.path) ?? 0) + this.pendingLines);
    this.pending = [];
    this.pendingBytes = 0;
    this.pendingLines = 0;
  }

  /** Rotates now, whatever the size (an empty file is left alone); true when it rotated. */
  rotateNow(): boolean {
    if (this.size + this.pendingBytes === 0) return false;
    this.flush();
    this.rotate();
    return true;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private rotate(): void {
    closeSync(this.fd);
    const { keepRotated } = this.opts;
    const { lines } = this.ledger;
    const nth = (n: number): string => (n === 0 ? this.path : `${this.path}.${n}`);
    const dropped = nth(keepRotated);
    if (existsSync(dropped)) {
      unlinkSync(dropped);
      this.ledger.droppedFiles++;
      this.ledger.droppedLines += lines.get(dropped) ?? 0;
      lines.delete(dropped);
    }
    for (let n = keepRotated - 1; n >= 0; n--) {
      const from = nth(n);
      if (!existsSync(from)) continue;
      renameSync(from, nth(n + 1));
      const count = lines.get(from);
      lines.delete(from);
      if (count !== undefined) lines.set(nth(n + 1), count);
    }
    this.fd = openSync(this.path, 'a');
    this.size = 0;
    lines.set(this.path, 0);
  }
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Newlines in a file, read in chunks (the file may be large). */
export function countLines(path: string): number {
  const fd = openSync(path, 'r');
  const buf = Buffer.alloc(1 << 16);
  let n = 0;
  try {
    for (let read = readSync(fd, buf); read > 0; read = readSync(fd, buf)) {
      for (let i = buf.indexOf(10); i >= 0 && i < read; i = buf.indexOf(10, i + 1)) n++;
    }
  } finally {
    closeSync(fd);
  }
  return n;
}
