// The reading state of one file identity: where its bytes are read from (an open handle, and the
// glob path it was last seen at), how far it has been read and framed, and what was last reported.
import type { FileHandle } from 'node:fs/promises';
import type { Framer } from '../framing/framer.ts';

export const inodeKey = (dev: number, ino: number): string => `${dev}:${ino}`;

export class TrackedFile {
  fh: FileHandle | undefined;
  /** The file is at a glob path (else renamed away or deleted: readable only through `fh`). */
  attached = true;
  /** Reading reached the end of the file as last seen. */
  eof = false;
  lastDataMs: number;
  /** Renamed away and closed: forgotten once its last position is handed out. */
  retired = false;
  /** Position last handed out in a batch, so unchanged positions are not repeated. */
  reported: { offset: number; path: string };

  constructor(
    readonly fileId: string,
    public path: string,
    public inode: string,
    /** Size as last seen by stat. */
    public size: number,
    /** Offset of the next byte to read (ahead of `framer.position` by what the framer holds). */
    public readOffset: number,
    readonly framer: Framer,
    reported: { offset: number; path: string },
    now: number,
  ) {
    this.reported = reported;
    this.lastDataMs = now;
  }

  /** Bytes present but not yet covered by a reported position. */
  get behind(): number {
    return Math.max(0, this.size - this.framer.position);
  }

  async close(): Promise<void> {
    const fh = this.fh;
    this.fh = undefined;
    await fh?.close().catch(() => {});
  }
}
