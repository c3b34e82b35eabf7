// Where the last complete line of a file ends: starting "at the end" there, rather than at the
// size, never starts inside a line that a buffered writer has only half written yet.
import type { Codec } from '../framing/codec.ts';
import type { ByteReader } from './readers.ts';

const LOOK_BACK_BYTES = 64 * 1024;

/** Offset just after the last newline within the last 64 KiB before `size`; `size` if there is none. */
export async function lastLineEnd(reader: ByteReader, size: number, codec: Codec): Promise<number> {
  // Starting on a unit boundary keeps two-byte encodings aligned.
  const back = Math.max(0, size - LOOK_BACK_BYTES);
  const from = back - (back % codec.unit);
  if (size - from === 0) return size;
  const buf = Buffer.alloc(size - from);
  const read = buf.subarray(0, await reader.read(buf, buf.length, from));
  let last = -1;
  for (let i = codec.newline(read, 0); i >= 0; i = codec.newline(read, i + codec.unit)) last = i;
  return last < 0 ? size : from + last + codec.unit;
}
