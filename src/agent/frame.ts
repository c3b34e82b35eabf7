// The disk buffer's record framing: [length u32 BE][crc32 u32 BE][payload]. A frame whose header
// is short, whose length runs past the end of the data, or whose CRC does not match is where a
// torn write (power loss, SIGKILL mid-append) begins: everything from there on is discarded.
import { crc32 } from 'node:zlib';

export const HEADER_BYTES = 8;

export function encodeFrame(payload: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  frame.writeUInt32BE(payload.length, 0);
  frame.writeUInt32BE(crc32(payload), 4);
  payload.copy(frame, HEADER_BYTES);
  return frame;
}

export interface DecodedFrame {
  /** Offset of the frame's first byte in the data. */
  start: number;
  /** Offset just after the frame. */
  end: number;
  payload: Buffer;
}

/**
 * Decodes consecutive frames of `data` (starting at `base` in its file); `validEnd` is where the
 * valid frames stop (a torn or corrupt frame begins there when it is below `base + data.length`).
 */
export function decodeFrames(data: Buffer, base = 0): { frames: DecodedFrame[]; validEnd: number } {
  const frames: DecodedFrame[] = [];
  let at = 0;
  while (at + HEADER_BYTES <= data.length) {
    const length = data.readUInt32BE(at);
    const end = at + HEADER_BYTES + length;
    if (end > data.length) break;
    const payload = data.subarray(at + HEADER_BYTES, end);
    if (crc32(payload) !== data.readUInt32BE(at + 4)) break;
    frames.push({ start: base + at, end: base + end, payload });
    at = end;
  }
  return { frames, validEnd: base + at };
}
