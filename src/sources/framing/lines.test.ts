import { describe, expect, it } from 'vitest';
import { CollectSink } from './collect-sink.ts';
import { LineFramer } from './lines.ts';

const frame = (chunks: (string | Buffer)[], maxLineBytes = 1_048_576, startOffset = 0) => {
  const framer = new LineFramer({ startOffset, maxLineBytes });
  const sink = new CollectSink();
  for (const c of chunks) framer.push(Buffer.isBuffer(c) ? c : Buffer.from(c), sink);
  return { framer, sink };
};

/** Every way to cut `text` into chunks of `size` bytes. */
const chunked = (text: string | Buffer, size: number): Buffer[] => {
  const b = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const out: Buffer[] = [];
  for (let i = 0; i < b.length; i += size) out.push(b.subarray(i, i + size));
  return out;
};

describe('lines framing', () => {
  it('splits at \\n and \\r\\n with byte offsets that include the terminator', () => {
    const { framer, sink } = frame(['a\r\nbb\nccc\r\n']);
    expect(sink.out).toEqual([
      { kind: 'record', text: 'a', offset: 0, endOffset: 3 },
      { kind: 'record', text: 'bb', offset: 3, endOffset: 6 },
      { kind: 'record', text: 'ccc', offset: 6, endOffset: 11 },
    ]);
    expect(framer.position).toBe(11);
  });

  it('keeps a partial last line until it is completed, whatever the chunking', () => {
    const { framer, sink } = frame(['ab', 'c\r', '\nd']);
    expect(sink.out).toEqual([{ kind: 'record', text: 'abc', offset: 0, endOffset: 5 }]);
    expect(framer.position).toBe(5);
    framer.push(Buffer.from('e\n'), sink);
    expect(sink.out[1]).toEqual({ kind: 'record', text: 'de', offset: 5, endOffset: 8 });
    for (let size = 1; size <= 6; size++) {
      expect(frame(chunked('x\r\nyy\r\nzzz\n', size)).sink.texts).toEqual(['x', 'yy', 'zzz']);
    }
  });

  it('counts byte offsets with multi-byte UTF-8, also when a character is split across chunks', () => {
    const text = 'é€😀\nx\nñ\n';
    for (let size = 1; size <= 4; size++) {
      expect(frame(chunked(text, size)).sink.out).toEqual([
        { kind: 'record', text: 'é€😀', offset: 0, endOffset: 10 },
        { kind: 'record', text: 'x', offset: 10, endOffset: 12 },
        { kind: 'record', text: 'ñ', offset: 12, endOffset: 15 },
      ]);
    }
  });

  it('decodes invalid UTF-8 as U+FFFD and still emits the record', () => {
    const { sink } = frame([Buffer.from([0x61, 0xff, 0x62, 0x0a])]);
    expect(sink.out).toEqual([{ kind: 'record', text: 'a\uFFFDb', offset: 0, endOffset: 4 }]);
  });

  it('rejects a line over max_line_bytes with a reason, counts it, and goes on after it', () => {
    const long = 'x'.repeat(25);
    const text = `short\n${long}\nok\n${long}\r\nend\n`;
    for (const size of [1, 3, 7, 1000]) {
      const { framer, sink } = frame(chunked(text, size), 10);
      expect(sink.out.map((f) => [f.kind, f.offset, f.endOffset])).toEqual([
        ['record', 0, 6],
        ['rejected', 6, 32],
        ['record', 32, 35],
        ['rejected', 35, 62],
        ['record', 62, 66],
      ]);
      const rejected = sink.out.filter((f) => f.kind === 'rejected');
      expect(rejected).toHaveLength(2);
      for (const r of rejected) {
        expect(r.reason).toBe(
          'line longer than 10 bytes (max_line_bytes); raise max_line_bytes or fix the writer',
        );
        expect(r.raw.startsWith('x'.repeat(10))).toBe(true);
      }
      expect(framer.position).toBe(66);
    }
  });

  it('accepts a line of exactly max_line_bytes, also with \\r\\n split across chunks', () => {
    const line = 'y'.repeat(10);
    for (const size of [1, 10, 11, 12]) {
      expect(frame(chunked(`${line}\r\n${line}\n`, size), 10).sink.texts).toEqual([line, line]);
    }
  });

  it('does not buffer an oversize line: the held bytes stop growing and the position stays before it', () => {
    const framer = new LineFramer({ startOffset: 0, maxLineBytes: 1024 });
    const sink = new CollectSink();
    const mb = Buffer.alloc(1 << 20, 0x41);
    const before = process.memoryUsage().arrayBuffers;
    for (let i = 0; i < 64; i++) framer.push(mb, sink);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 << 20);
    expect(sink.out).toEqual([]);
    expect(framer.position).toBe(0);
    framer.push(Buffer.from('\nnext\n'), sink);
    expect(sink.out.map((f) => [f.kind, f.offset, f.endOffset])).toEqual([
      ['rejected', 0, 64 * (1 << 20) + 1],
      ['record', 64 * (1 << 20) + 1, 64 * (1 << 20) + 6],
    ]);
    expect((sink.out[0] as { raw: string }).raw).toHaveLength(1024);
  });

  it('skips and counts empty lines, strips a byte order mark, and starts at a given offset', () => {
    const { framer, sink } = frame(['\uFEFFa\n\n\r\nb\n']);
    expect(sink.out).toEqual([
      { kind: 'record', text: 'a', offset: 0, endOffset: 5 },
      { kind: 'record', text: 'b', offset: 8, endOffset: 10 },
    ]);
    expect(framer.emptyLines).toBe(2);
    expect(frame(['q\n'], 100, 500).sink.out).toEqual([
      { kind: 'record', text: 'q', offset: 500, endOffset: 502 },
    ]);
  });
});
