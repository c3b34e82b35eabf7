// The reading state of one file identity: where its bytes are read from (an open reader, and the
// glob path it was last seen at), what its head is, how far it has been read and framed, the
// window hash at the framer position, and what was last reported.
import type { Encoding } from '../framing/codec.ts';
import type { Framer } from '../framing/framer.ts';
import { encodeChecksum, type HeadPrint, printHead } from './identity.ts';
import type { ByteReader } from './readers.ts';
import type { WindowTracker } from './window.ts';

export const inodeKey = (dev: number, ino: number): string => `${dev}:${ino}`;

export interface FileHead {
  /** NUL padding before the head. */
  start: number;
  /** The head as far as the file reaches (grows until `span`). */
  bytes: Buffer;
  span: number;
}

export interface TrackedFileInit {
  key: string;
  base: string;
  path: string;
  inode: string;
  gzip: boolean;
  encoding: Encoding;
  head: FileHead;
  /** Size of the content (decompressed for gzip: a hint until read to the end). */
  size: number;
  fileSize: number;
  mtimeMs: number;
  readOffset: number;
  framer: Framer;
  window: WindowTracker;
  reported: { offset: number; path: string };
  now: number;
}

export class TrackedFile {
  readonly key: string;
  readonly base: string;
  path: string;
  inode: string;
  readonly gzip: boolean;
  readonly encoding: Encoding;
  head: FileHead;
  size: number;
  /** On-disk size and modification time as last seen (of the compressed file, for gzip). */
  fileSize: number;
  mtimeMs: number;
  /** Offset of the next byte to read (ahead of `framer.position` by what the framer holds). */
  readOffset: number;
  readonly framer: Framer;
  readonly window: WindowTracker;
  reader: ByteReader | undefined;
  /** The file is at a glob path (else renamed away or deleted: readable only through `reader`). */
  attached = true;
  /** Reading reached the end of the file as last seen. */
  eof = false;
  lastDataMs: number;
  /** Renamed away and closed: forgotten once its last position is handed out. */
  retired = false;
  /** Position last handed out in a batch, so unchanged positions are not repeated. */
  reported: { offset: number; path: string };
  #print: HeadPrint | undefined;

  constructor(init: TrackedFileInit) {
    this.key = init.key;
    this.base = init.base;
    this.path = init.path;
    this.inode = init.inode;
    this.gzip = init.gzip;
    this.encoding = init.encoding;
    this.head = init.head;
    this.size = init.size;
    this.fileSize = init.fileSize;
    this.mtimeMs = init.mtimeMs;
    this.readOffset = init.readOffset;
    this.framer = init.framer;
    this.window = init.window;
    this.reported = init.reported;
    this.lastDataMs = init.now;
  }

  /** The identity recorded with positions and event ids. */
  get fileId(): string {
    return this.key;
  }

  /** Bytes present but not yet covered by a reported position. */
  get behind(): number {
    return Math.max(0, this.size - this.framer.position);
  }

  /** Of `behind`, the bytes already read and held by the framer (a record or line still open). */
  get held(): number {
    return Math.max(0, Math.min(this.readOffset, this.size) - this.framer.position);
  }

  get headPrint(): HeadPrint {
    if (this.#print?.length !== this.head.bytes.length)
      this.#print = printHead(this.head.start, this.head.bytes);
    return this.#print;
  }

  /** The checksum stored with a position at `offset` (the framer position). */
  checksum(offset: number): string {
    return encodeChecksum({ head: this.headPrint, window: this.window.hashAt(offset), inode: this.inode });
  }

  async close(): Promise<void> {
    const r = this.reader;
    this.reader = undefined;
    await r?.close();
  }
}
