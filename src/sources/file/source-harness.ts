// Drives a Source the way the pipeline does, for tests: consumes batches in the background,
// keeps every record and the latest position per file (what the warehouse would have committed).
import { setTimeout as sleep } from 'node:timers/promises';
import type { RawRecord, RejectedRecord, Source, SourceBatch, SourcePosition } from '../source.ts';

export class SourceHarness {
  readonly records: RawRecord[] = [];
  readonly rejected: RejectedRecord[] = [];
  readonly batches: SourceBatch[] = [];
  readonly #positions = new Map<string, SourcePosition>();
  readonly #abort = new AbortController();
  readonly #done: Promise<void>;

  constructor(
    readonly source: Source,
    /** Pause after each batch, as a slow consumer would. */
    consumeDelayMs = 0,
  ) {
    this.#done = this.#run(consumeDelayMs);
  }

  async #run(delayMs: number): Promise<void> {
    for await (const batch of this.source.batches(this.#abort.signal)) {
      this.batches.push(batch);
      this.records.push(...batch.records);
      this.rejected.push(...batch.rejected);
      for (const p of batch.positions) this.#positions.set(p.fileId, p);
      if (delayMs > 0) await sleep(delayMs);
    }
  }

  get texts(): string[] {
    return this.records.map((r) => r.text);
  }

  /** Positions as committed after the last consumed batch. */
  get positions(): SourcePosition[] {
    return [...this.#positions.values()];
  }

  async waitFor(what: string, done: () => boolean, timeoutMs = 15_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > until)
        throw new Error(`timed out waiting for ${what}; have ${this.records.length} records`);
      await sleep(5);
    }
  }

  async waitForRecords(n: number, timeoutMs?: number): Promise<void> {
    await this.waitFor(`${n} records`, () => this.records.length >= n, timeoutMs);
  }

  /** Aborts and resolves once the source's batches() has returned. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#done;
  }
}
