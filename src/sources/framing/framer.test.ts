// Restarting a framer at its position, at any moment, must yield exactly the records an
// uninterrupted run yields: nothing twice, nothing missing.
import { describe, expect, it } from 'vitest';
import { CollectSink, type Framed } from './collect-sink.ts';
import { createFramer, type FramingOptions, toFramingOptions } from './framer.ts';

const LINES: FramingOptions = { type: 'lines' };
const MULTI = toFramingOptions({ type: 'multiline', start: '^S', timeout: '1s', max_lines: 4 });

function sample(seed: number): Buffer {
  let x = seed;
  const rnd = () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
  const parts: string[] = [];
  for (let i = 0; i < 300; i++) {
    const r = rnd();
    const body = 'é€x'.repeat(Math.floor(rnd() * 12));
    if (r < 0.4) parts.push(`S${i} ${body}`);
    else if (r < 0.8) parts.push(`  at ${i} ${body}`);
    else if (r < 0.9) parts.push('');
    else parts.push(`S${'L'.repeat(60)}`);
  }
  return Buffer.from(`${parts.join(rnd() < 0.5 ? '\n' : '\r\n')}\n`);
}

function run(options: FramingOptions, bytes: Buffer, start: number, cuts: number[]): Framed[] {
  const framer = createFramer(options, start, 40);
  const sink = new CollectSink();
  let at = start;
  for (const cut of [...cuts.filter((c) => c > start), bytes.length]) {
    framer.push(bytes.subarray(at, cut), sink);
    at = cut;
  }
  framer.flush(sink);
  return sink.out;
}

describe.each([
  ['lines', LINES],
  ['multiline', MULTI],
])('%s framing restarted at its position', (_name, options) => {
  it('yields every record exactly once', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const bytes = sample(seed);
      const cuts = Array.from(
        { length: 30 },
        (_, i) => Math.floor((bytes.length * (i + 1)) / 31) + (seed % 7),
      );
      const whole = run(options, bytes, 0, cuts);
      expect(whole.some((f) => f.kind === 'rejected')).toBe(true);
      for (const stopAfter of [3, 11, 29]) {
        // Run until a cut, "commit" the position, then restart a fresh framer there.
        const framer = createFramer(options, 0, 40);
        const sink = new CollectSink();
        let at = 0;
        for (const cut of cuts.slice(0, stopAfter)) {
          framer.push(bytes.subarray(at, cut), sink);
          at = cut;
        }
        const committed = framer.position;
        expect(sink.out.every((f) => f.endOffset <= committed)).toBe(true);
        const resumed = run(options, bytes, committed, cuts);
        expect([...sink.out, ...resumed]).toEqual(whole);
      }
    }
  });
});
