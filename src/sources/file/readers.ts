// Byte readers over one open file: plain files are read at any offset (pread); gzip files
// (recognised by their magic bytes 1f 8b, not by name) are decompressed as a stream, so offsets
// are offsets in the decompressed text, the same coordinates the uncompressed file had. Seeking
// in a gzip stream means decompressing up to there; memory stays at one chunk either way.
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip, type Gunzip } from 'node:zlib';

export interface ByteReader {
  readonly gzip: boolean;
  readonly fh: FileHandle;
  /** Reads up to `want` bytes at `offset`; fewer only at the end of what the file holds now. */
  read(buf: Buffer, want: number, offset: number): Promise<number>;
  /** The `n` bytes before `offset` (fewer near the start), or undefined if the data ends before `offset`. */
  before(offset: number, n: number): Promise<Buffer | undefined>;
  close(): Promise<void>;
}

const GZIP_CHUNK = 64 * 1024;

/** Whether the file starts with the gzip magic bytes. */
export async function isGzip(fh: FileHandle): Promise<boolean> {
  const b = Buffer.alloc(3);
  const { bytesRead } = await fh.read(b, 0, 3, 0);
  return bytesRead === 3 && b[0] === 0x1f && b[1] === 0x8b && b[2] === 0x08;
}

/**
 * The decompressed size recorded in a gzip trailer (ISIZE, modulo 2^32; of the last member only):
 * a hint, good enough to see that an archive holds no more than was read, never trusted for data.
 */
export async function gzipSizeHint(fh: FileHandle, size: number): Promise<number | undefined> {
  if (size < 18) return undefined;
  const b = Buffer.alloc(4);
  const { bytesRead } = await fh.read(b, 0, 4, size - 4);
  return bytesRead === 4 ? b.readUInt32LE(0) : undefined;
}

export const openReader = (fh: FileHandle, gzip: boolean): ByteReader =>
  gzip ? new GzipReader(fh) : new PlainReader(fh);

class PlainReader implements ByteReader {
  readonly gzip = false;
  constructor(readonly fh: FileHandle) {}

  async read(buf: Buffer, want: number, offset: number): Promise<number> {
    return (await this.fh.read(buf, 0, want, offset)).bytesRead;
  }

  async before(offset: number, n: number): Promise<Buffer | undefined> {
    const from = Math.max(0, offset - n);
    const b = Buffer.alloc(offset - from);
    const { bytesRead } = await this.fh.read(b, 0, b.length, from);
    if (bytesRead < b.length) return undefined;
    // The window ends at `offset`: the file must reach at least that far.
    if ((await this.fh.stat()).size < offset) return undefined;
    return b;
  }

  close(): Promise<void> {
    return this.fh.close().catch(() => {});
  }
}

class GzipReader implements ByteReader {
  readonly gzip = true;
  #src: Readable | undefined;
  #gunzip: Gunzip | undefined;
  #chunks: AsyncIterator<Buffer> | undefined;
  /** Decompressed offset of `#pending[0]`. */
  #pos = 0;
  #pending: Buffer = Buffer.alloc(0);
  #ended = false;

  constructor(readonly fh: FileHandle) {}

  async read(buf: Buffer, want: number, offset: number): Promise<number> {
    if (!(await this.#seek(offset))) return 0;
    let n = 0;
    while (n < want) {
      if (this.#pending.length === 0 && !(await this.#next())) break;
      const take = Math.min(want - n, this.#pending.length);
      this.#pending.copy(buf, n, 0, take);
      this.#consume(take);
      n += take;
    }
    return n;
  }

  async before(offset: number, n: number): Promise<Buffer | undefined> {
    const from = Math.max(0, offset - n);
    if (!(await this.#seek(from))) return undefined;
    const out = Buffer.alloc(offset - from);
    const got = await this.read(out, out.length, from);
    return got === out.length ? out : undefined;
  }

  async close(): Promise<void> {
    this.#stop();
    await this.fh.close().catch(() => {});
  }

  /** Positions the stream at `offset`, restarting it when that lies behind; false if the data ends first. */
  async #seek(offset: number): Promise<boolean> {
    if (offset < this.#pos || !this.#gunzip) this.#start();
    while (this.#pos + this.#pending.length < offset) {
      this.#consume(this.#pending.length);
      if (!(await this.#next())) return false;
    }
    this.#consume(offset - this.#pos);
    return true;
  }

  #consume(n: number): void {
    this.#pending = this.#pending.subarray(n);
    this.#pos += n;
  }

  /** Pulls the next decompressed chunk into `#pending`; false at the end (or a truncated stream). */
  async #next(): Promise<boolean> {
    if (this.#ended || !this.#chunks) return false;
    try {
      const r = await this.#chunks.next();
      if (r.done) {
        this.#ended = true;
        return false;
      }
      this.#pending = r.value;
      return true;
    } catch {
      // A truncated or still-being-written archive: what was decompressed so far is all there is now.
      this.#ended = true;
      return false;
    }
  }

  #start(): void {
    this.#stop();
    // Fed by positioned reads, not fh.createReadStream(), which closes the handle when it ends.
    const src = Readable.from(compressedChunks(this.fh), { objectMode: false });
    const gunzip = createGunzip({ chunkSize: GZIP_CHUNK });
    src.on('error', (e) => gunzip.destroy(e));
    src.pipe(gunzip);
    this.#src = src;
    this.#gunzip = gunzip;
    this.#chunks = gunzip[Symbol.asyncIterator]();
    this.#pos = 0;
    this.#pending = Buffer.alloc(0);
    this.#ended = false;
  }

  #stop(): void {
    this.#src?.unpipe();
    this.#src?.destroy();
    this.#gunzip?.destroy();
    this.#src = undefined;
    this.#gunzip = undefined;
    this.#chunks = undefined;
  }
}

async function* compressedChunks(fh: FileHandle): AsyncGenerator<Buffer> {
  for (let at = 0; ; ) {
    const b = Buffer.allocUnsafe(GZIP_CHUNK);
    const { bytesRead } = await fh.read(b, 0, b.length, at);
    if (bytesRead === 0) return;
    at += bytesRead;
    yield b.subarray(0, bytesRead);
  }
}
