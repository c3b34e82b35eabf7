// File identity by content: a hash of the file's first line. Unlike a path it survives renames,
// and unlike an inode number it survives restarts and copies and is never reused by another file.
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

/** A first line longer than this is identified by its first this-many bytes. */
export const FINGERPRINT_MAX_BYTES = 4096;

/** The identity of the file open as `fh`, or undefined while its first line is incomplete. */
export async function fingerprint(fh: FileHandle): Promise<string | undefined> {
  const buf = Buffer.alloc(FINGERPRINT_MAX_BYTES);
  const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
  const nl = buf.indexOf(0x0a);
  let end: number;
  if (nl >= 0 && nl < bytesRead) end = nl;
  else if (bytesRead === buf.length) end = bytesRead;
  else return undefined;
  return createHash('sha256').update(buf.subarray(0, end)).digest('hex').slice(0, 32);
}
