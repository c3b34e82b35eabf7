// Frames a whole text in memory with the same framers the file source uses (lines, multiline),
// for `mortar parse` and the behaviour cases, so sample input is framed exactly as a file would be.
import type { FramingConfig } from '../config/schema.ts';
import { CollectSink, type Framed } from '../sources/framing/collect-sink.ts';
import { createFramer, toFramingOptions } from '../sources/framing/framer.ts';

export function frameText(text: string, framing: FramingConfig, maxLineBytes = 1_048_576): Framed[] {
  const sink = new CollectSink();
  const framer = createFramer(toFramingOptions(framing), 0, maxLineBytes);
  framer.push(Buffer.from(text.endsWith('\n') ? text : `${text}\n`, 'utf8'), sink);
  framer.flush(sink);
  return sink.out;
}
