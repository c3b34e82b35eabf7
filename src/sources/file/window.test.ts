// The window hash kept for the framer position must always be the hash of the 256 bytes really
// before it — whatever the chunking, the framing (multiline emits held records late) and the
// encoding — or a restart would wrongly take its own position for a replaced file.
import { describe, expect, it } from 'vitest';
import { codecFor, type Encoding } from '../framing/codec.ts';
import { CollectSink } from '../framing/collect-sink.ts';
import { createFramer, toFramingOptions } from '../framing/framer.ts';
import { WINDOW_BYTES, windowHash } from './identity.ts';
import { WindowTracker } from './window.ts';

function sample(seed: number, encoding: Encoding): Buffer {
  let x = seed;
  const rnd = () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
  const lines: string[] = [];
  for (let i = 0; i < 400; i++) {
    const r = rnd();
    const body = 'ab€'.repeat(Math.floor(rnd() * (r < 0.05 ? 200 : 20)));
    lines.push(r < 0.4 ? `S${i} ${body}` : r < 0.9 ? `  at ${i} ${body}` : '');
  }
  const text = `${lines.join('\n')}\n`;
  if (encoding === 'utf-16le') return Buffer.from(text, 'utf16le');
  if (encoding === 'utf-16be') return Buffer.from(text, 'utf16le').swap16();
  return Buffer.from(text);
}

describe('window tracker', () => {
  it.each([
    ['lines', 'utf-8'],
    ['multiline', 'utf-8'],
    ['multiline', 'utf-16le'],
    ['lines', 'utf-16be'],
  ] as const)(
    'knows the exact window at every %s position (%s), whatever the chunks',
    (framing, encoding) => {
      const options = toFramingOptions(
        framing === 'lines'
          ? { type: 'lines' }
          : { type: 'multiline', start: '^S', timeout: '1s', max_lines: 5 },
      );
      for (let seed = 1; seed <= 10; seed++) {
        const bytes = sample(seed, encoding);
        const framer = createFramer(options, 0, 300, encoding);
        const tracker = new WindowTracker(codecFor(encoding), 0, Buffer.alloc(0));
        const sink = new CollectSink();
        let checked = 0;
        for (let at = 0, i = 0; at < bytes.length; i++) {
          const size = 1 + ((seed * 7919 + i * 104729) % 3000);
          const chunk = bytes.subarray(at, at + size);
          framer.push(chunk, sink);
          tracker.pushed(chunk, at, framer.position);
          at += chunk.length;
          const p = framer.position;
          expect(tracker.hashAt(p)).toBe(windowHash(bytes.subarray(Math.max(0, p - WINDOW_BYTES), p)));
          checked++;
        }
        framer.flush(sink);
        tracker.settled(framer.position);
        const p = framer.position;
        expect(tracker.hashAt(p)).toBe(windowHash(bytes.subarray(Math.max(0, p - WINDOW_BYTES), p)));
        expect(checked).toBeGreaterThan(5);
      }
    },
  );
});
