// A FrameSink that keeps everything it receives, in order: for tests and for framing whole texts.
import type { FrameSink } from './framer.ts';

export type Framed =
  | { kind: 'record'; text: string; offset: number; endOffset: number }
  | { kind: 'rejected'; reason: string; raw: string; offset: number; endOffset: number };

export class CollectSink implements FrameSink {
  readonly out: Framed[] = [];

  record(text: string, offset: number, endOffset: number): void {
    this.out.push({ kind: 'record', text, offset, endOffset });
  }

  reject(reason: string, raw: string, offset: number, endOffset: number): void {
    this.out.push({ kind: 'rejected', reason, raw, offset, endOffset });
  }

  get texts(): string[] {
    return this.out.flatMap((f) => (f.kind === 'record' ? [f.text] : []));
  }
}
