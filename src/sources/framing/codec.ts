// Text encodings of log files: where a line ends and how its bytes become text. UTF-8 and
// Latin-1 have one-byte code units and end lines at the byte 0x0A; UTF-16 has two-byte units
// and ends lines at the unit U+000A (0A 00 little-endian, 00 0A big-endian) at an even offset.
// Offsets always stay byte offsets in the file, whatever the encoding.

export const ENCODINGS = ['utf-8', 'latin1', 'utf-16le', 'utf-16be'] as const;
export type Encoding = (typeof ENCODINGS)[number];

export interface Codec {
  readonly encoding: Encoding;
  /** Bytes per code unit; a line always starts and ends at a multiple of it. */
  readonly unit: 1 | 2;
  /**
   * Index of the first byte of the next newline unit at or after `from` in `buf`, or -1.
   * For two-byte units, `buf[0]` must sit at an even file offset and `from` must be even.
   */
  newline(buf: Buffer, from: number): number;
  /** Whether the unit just before `end` is a carriage return (the `\r` of `\r\n`). */
  crBefore(buf: Buffer, start: number, end: number): boolean;
  /** Whether the unit at `i` is U+0000 (padding some writers leave after a truncation). */
  nulAt(buf: Buffer, i: number): boolean;
  /** Length of a byte order mark at `buf[start]` (only meaningful at file offset 0). */
  bomLength(buf: Buffer, start: number): number;
  decode(buf: Buffer, start: number, end: number): string;
}

const NL = 0x0a;
const CR = 0x0d;

const single = (encoding: 'utf-8' | 'latin1'): Codec => ({
  encoding,
  unit: 1,
  newline: (buf, from) => buf.indexOf(NL, from),
  crBefore: (buf, start, end) => end > start && buf[end - 1] === CR,
  nulAt: (buf, i) => buf[i] === 0,
  bomLength: (buf, start) =>
    encoding === 'utf-8' && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf ? 3 : 0,
  decode: (buf, start, end) => buf.toString(encoding === 'utf-8' ? 'utf8' : 'latin1', start, end),
});

const BE_DECODER = new TextDecoder('utf-16be');

function utf16(encoding: 'utf-16le' | 'utf-16be'): Codec {
  const le = encoding === 'utf-16le';
  // Position of the significant byte of an ASCII unit within the pair.
  const lo = le ? 0 : 1;
  const hi = 1 - lo;
  return {
    encoding,
    unit: 2,
    newline(buf, from) {
      for (let i = buf.indexOf(NL, from + lo); i >= 0; i = buf.indexOf(NL, i + 1)) {
        const start = i - lo;
        if (start % 2 === 0 && start + 1 < buf.length && buf[start + hi] === 0) return start;
      }
      return -1;
    },
    crBefore: (buf, start, end) => end - start >= 2 && buf[end - 2 + lo] === CR && buf[end - 2 + hi] === 0,
    nulAt: (buf, i) => buf[i] === 0 && buf[i + 1] === 0,
    bomLength: (buf, start) => (buf[start + lo] === 0xff && buf[start + hi] === 0xfe ? 2 : 0),
    decode: (buf, start, end) =>
      le ? buf.toString('utf16le', start, end) : BE_DECODER.decode(buf.subarray(start, end)),
  };
}

const CODECS: Record<Encoding, Codec> = {
  'utf-8': single('utf-8'),
  latin1: single('latin1'),
  'utf-16le': utf16('utf-16le'),
  'utf-16be': utf16('utf-16be'),
};

export const codecFor = (encoding: Encoding = 'utf-8'): Codec => CODECS[encoding];

/**
 * The encoding a file is read with: the configured one, except that a UTF-16 byte order mark at
 * the start of the file decides the byte order (a writer's BOM is more reliable than the config).
 */
export function detectEncoding(configured: Encoding, firstBytes: Buffer): Encoding {
  if (configured !== 'utf-16le' && configured !== 'utf-16be') return configured;
  if (firstBytes[0] === 0xff && firstBytes[1] === 0xfe) return 'utf-16le';
  if (firstBytes[0] === 0xfe && firstBytes[1] === 0xff) return 'utf-16be';
  return configured;
}
