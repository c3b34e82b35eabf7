import { describe, expect, it } from 'vitest';
import { CollectSink } from './collect-sink.ts';
import { MultilineFramer } from './multiline.ts';

const START = /^\d{4}-\d\d-\d\d /;
const make = (o: { maxLines?: number; maxLineBytes?: number; startOffset?: number } = {}) =>
  new MultilineFramer({
    start: START,
    timeoutMs: 1000,
    maxLines: o.maxLines ?? 500,
    maxLineBytes: o.maxLineBytes ?? 1_048_576,
    startOffset: o.startOffset ?? 0,
  });

const TRACE = [
  '2024-05-01 10:00:00 ERROR request failed',
  'java.lang.IllegalStateException: boom',
  '\tat com.acme.Foo.bar(Foo.java:10)',
  '\tat com.acme.Main.main(Main.java:3)',
].join('\n');

describe('multiline framing', () => {
  it('joins a stack trace to its start line and emits it when the next record starts', () => {
    const framer = make();
    const sink = new CollectSink();
    framer.push(Buffer.from(`${TRACE}\n2024-05-01 10:00:01 INFO ok\n`), sink);
    expect(sink.out).toEqual([{ kind: 'record', text: TRACE, offset: 0, endOffset: TRACE.length + 1 }]);
    // The second record is held: the position stays at its first line.
    expect(framer.position).toBe(TRACE.length + 1);
    framer.push(Buffer.from('2024-05-01 10:00:02 INFO next\n'), sink);
    expect(sink.texts).toEqual([TRACE, '2024-05-01 10:00:01 INFO ok']);
  });

  it('flushes the last record after the timeout without new data, never before', () => {
    const framer = make();
    const sink = new CollectSink();
    framer.push(Buffer.from(`${TRACE}\n`), sink);
    framer.idle(999, sink);
    expect(sink.out).toEqual([]);
    expect(framer.position).toBe(0);
    framer.idle(1000, sink);
    expect(sink.texts).toEqual([TRACE]);
    expect(framer.position).toBe(TRACE.length + 1);
  });

  it('never moves the position past a record it has not emitted', () => {
    const framer = make();
    const sink = new CollectSink();
    const text = `${TRACE}\n2024-05-01 10:00:01 INFO ok\n  more\npartial`;
    const bytes = Buffer.from(text);
    for (let i = 0; i < bytes.length; i++) {
      framer.push(bytes.subarray(i, i + 1), sink);
      const emittedEnd = sink.out.at(-1)?.endOffset ?? 0;
      expect(framer.position).toBe(emittedEnd);
    }
    expect(sink.texts).toEqual([TRACE]);
  });

  it('emits at max_lines, and lines without a start line form a record of their own', () => {
    const framer = make({ maxLines: 3 });
    const sink = new CollectSink();
    framer.push(Buffer.from('  orphan\n2024-05-01 a\n1\n2\n3\n4\n2024-05-01 b\n'), sink);
    expect(sink.texts).toEqual(['  orphan', '2024-05-01 a\n1\n2', '3\n4']);
  });

  it('drops blank lines between records and trims them from the end of a record', () => {
    const framer = make();
    const sink = new CollectSink();
    framer.push(Buffer.from('\n2024-05-01 a\n  x\n\n  y\n\n\n2024-05-01 b\n'), sink);
    expect(sink.out).toEqual([
      { kind: 'record', text: '2024-05-01 a\n  x\n\n  y', offset: 1, endOffset: 25 },
    ]);
    expect(framer.emptyLines).toBe(1);
  });

  it('ends the held record before a rejected line, keeping file order', () => {
    const framer = make({ maxLineBytes: 20 });
    const sink = new CollectSink();
    framer.push(Buffer.from(`2024-05-01 a\n  x\n${'z'.repeat(30)}\n  y\n2024-05-01 b\n`), sink);
    expect(sink.out.map((f) => [f.kind, f.offset, f.endOffset])).toEqual([
      ['record', 0, 17],
      ['rejected', 17, 48],
      ['record', 48, 52],
    ]);
  });

  it('caps a record at max_line_bytes of file', () => {
    const framer = make({ maxLineBytes: 30 });
    const sink = new CollectSink();
    framer.push(Buffer.from('2024-05-01 a\n  xxxxxxxx\n  yyyyyyyy\n  zzz\n2024-05-01 b\n'), sink);
    expect(sink.texts).toEqual(['2024-05-01 a\n  xxxxxxxx', '  yyyyyyyy\n  zzz']);
  });
});
