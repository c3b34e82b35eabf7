// Drives a Source the way the pipeline does, for tests of the network sources: consumes batches
// in the background (optionally slowly), acknowledges each as if it had been committed, and
// keeps every record and the latest position per fileId.
import { setTimeout as sleep } from 'node:timers/promises';
import type { RawRecord, RejectedRecord, Source, SourceBatch, SourcePosition } from '../source.ts';

export class Drain {
  readonly records: RawRecord[] = [];
  readonly rejected: RejectedRecord[] = [];
  readonly batches: SourceBatch[] = [];
  readonly #positions = new Map<string, SourcePosition>();
  readonly #abort = new AbortController();
  readonly done: Promise<void>;

  constructor(
    readonly source: Source,
    /** Pause after each batch, as a slow consumer would. */
    readonly delayMs = 0,
  ) {
    this.done = this.#run();
  }

  async #run(): Promise<void> {
    for await (const batch of this.source.batches(this.#abort.signal)) {
      this.batches.push(batch);
      this.records.push(...batch.records);
      this.rejected.push(...batch.rejected);
      if (this.delayMs > 0) await sleep(this.delayMs);
      for (const p of batch.positions) this.#positions.set(p.fileId, p);
      batch.onCommitted?.();
    }
  }

  get texts(): string[] {
    return this.records.map((r) => r.text);
  }

  get positions(): SourcePosition[] {
    return [...this.#positions.values()];
  }

  async waitFor(what: string, done: () => boolean, timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > until)
        throw new Error(
          `timed out waiting for ${what}; have ${this.records.length} records, ${this.rejected.length} rejected`,
        );
      await sleep(5);
    }
  }

  /** Aborts and resolves once the source's batches() has returned. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await this.done;
  }
}
