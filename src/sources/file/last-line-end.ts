// Where the last complete line of a file ends: starting "at the end" there, rather than at the
// size, never starts inside a line that a buffered writer has only half written yet.
import type { FileHandle } from 'node:fs/promises';

const LOOK_BACK_BYTES = 64 * 1024;

/** Offset just after the last `\n` within the last 64 KiB before `size`; `size` if there is none. */
export async function lastLineEnd(fh: FileHandle, size: number): Promise<number> {
  const length = Math.min(size, LOOK_BACK_BYTES);
  if (length === 0) return size;
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, size - length);
  const nl = buf.subarray(0, bytesRead).lastIndexOf(0x0a);
  return nl < 0 ? size : size - length + nl + 1;
}
