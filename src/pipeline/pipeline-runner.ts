// Runs one pipeline: reads its source's batches, has them parsed (in the parse pool's workers, or
// inline without one) and hands the results to the commit queue strictly in the order they were
// read, each batch with the positions it reached, so a position is committed only with the rows
// of everything before it. Between the reader and the commit queue at most MAX_BATCHES batches are
// in flight; when the commit queue is full the consumer waits, the window fills and the reader
// stops reading (backpressure: memory stays bounded whatever the backlog). The pipeline version
// can be swapped between two batches (hot reload of parsers, transforms and map).
import type { DeadLetter, MortarEvent } from '../events/event.ts';
import { nowUs } from '../events/time.ts';
import type { RawRecord, Source, SourcePosition } from '../sources/source.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import type { BuiltPipeline } from './build.ts';
import type { CommitQueue } from './commit-queue.ts';
import type { ParseOutput, ParsePool } from './parse-pool.ts';
import { isDeadLetter, isFiltered, type Processor } from './processor.ts';

export interface PipelineCounters {
  read: number;
  events: number;
  deadLetters: number;
  filtered: number;
}

/** One version of a pipeline: what a reload replaces. */
export interface PipelineVersion {
  /** Name plus generation, as known to the parse pool. */
  key: string;
  built: BuiltPipeline;
}

/** Source batches read but not yet handed to the commit queue. */
const MAX_BATCHES = 2;
/** Records per parse job: a source batch is split so every worker gets a share. */
const CHUNK_RECORDS = 2_000;

interface InFlight {
  parts: Promise<ParseOutput>[];
  rejected: DeadLetter[];
  positions: SourcePosition[];
  onCommitted?: () => void;
  key: string;
}

export function processInline(processor: Processor, records: RawRecord[], receivedAt: number): ParseOutput {
  const events: MortarEvent[] = [];
  const deadLetters: DeadLetter[] = [];
  let filtered = 0;
  for (const r of records) {
    const out = processor.process(r, receivedAt);
    if (isFiltered(out)) filtered++;
    else if (isDeadLetter(out)) deadLetters.push(out);
    else events.push(out);
  }
  return { events, deadLetters, filtered };
}

/** Parsers that remember earlier records of a file (a csv header) need all of a file on one worker. */
export const needsOneWorker = (b: BuiltPipeline): boolean =>
  b.config.parsers.some((p) => p.type === 'csv' && p.header === true);

function affinityOf(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) | 0;
  return Math.abs(h);
}

export class PipelineRunner {
  readonly counters: PipelineCounters = { read: 0, events: 0, deadLetters: 0, filtered: 0 };
  source: Source | undefined;
  version: PipelineVersion;
  readonly #abort = new AbortController();
  readonly #keysInFlight = new Map<string, number>();
  #window: InFlight[] = [];
  #wakeConsumer: (() => void) | undefined;
  #wakeReader: (() => void) | undefined;
  #readerDone = false;
  #failure: unknown;
  /** Source batches read but not yet handed to the commit queue (being parsed, or waiting for room). */
  get batchesInFlight(): number {
    return this.#window.length;
  }
  /** True once the source has ended by itself or was stopped, and all it read is in the commit queue. */
  ended = false;
  /** Resolves when the source has ended (or was stopped) and every batch read is in the commit queue. */
  done: Promise<void> | undefined;

  constructor(
    version: PipelineVersion,
    private readonly deps: {
      warehouse: Warehouse;
      queue: CommitQueue;
      pool?: ParsePool;
      /** Called when no batch in flight uses a replaced version any more. */
      retired?: (key: string) => void;
    },
  ) {
    this.version = version;
  }

  get name(): string {
    return this.version.built.name;
  }

  start(): Promise<void> {
    this.done ??= this.#run().then(() => {
      this.ended = true;
    });
    return this.done;
  }

  /** Parses the batches read from now on with `v` (same source and framing: the reader goes on). */
  swap(v: PipelineVersion): void {
    const old = this.version;
    this.version = v;
    if (!this.#keysInFlight.has(old.key)) this.deps.retired?.(old.key);
  }

  /** Stops reading; resolves once everything read is in the commit queue. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await this.done;
  }

  async #run(): Promise<void> {
    const source = this.version.built.createSource(await this.deps.warehouse.positions(this.name));
    this.source = source;
    const consumer = this.#consume();
    try {
      for await (const batch of source.batches(this.#abort.signal)) {
        if (this.#failure) break;
        const v = this.version;
        const receivedAt = nowUs();
        this.#keysInFlight.set(v.key, (this.#keysInFlight.get(v.key) ?? 0) + 1);
        this.#window.push({
          parts: this.#parse(v, batch.records, receivedAt),
          rejected: batch.rejected.map((r) => v.built.processor.reject(r, receivedAt)),
          positions: batch.positions,
          onCommitted: batch.onCommitted,
          key: v.key,
        });
        this.#wakeConsumer?.();
        while (this.#window.length >= MAX_BATCHES && !this.#failure)
          await new Promise<void>((r) => {
            this.#wakeReader = r;
          });
      }
    } catch (e) {
      this.#failure ??= e;
    } finally {
      this.#readerDone = true;
      this.#wakeConsumer?.();
      await consumer;
    }
    if (this.#failure) throw this.#failure;
  }

  #parse(v: PipelineVersion, records: RawRecord[], receivedAt: number): Promise<ParseOutput>[] {
    const pool = this.deps.pool;
    if (!pool) return [Promise.resolve(processInline(v.built.processor, records, receivedAt))];
    const affinity = needsOneWorker(v.built) ? affinityOf(this.name) : undefined;
    const parts: Promise<ParseOutput>[] = [];
    for (let i = 0; i < records.length; i += CHUNK_RECORDS) {
      const p = pool.parse(v.key, records.slice(i, i + CHUNK_RECORDS), receivedAt, affinity);
      // Awaited in order by the consumer; this only keeps an early failure from counting as unhandled.
      p.catch(() => {});
      parts.push(p);
    }
    return parts;
  }

  async #consume(): Promise<void> {
    const { queue } = this.deps;
    const c = this.counters;
    for (;;) {
      const head = this.#window[0];
      if (!head) {
        if (this.#readerDone) return;
        await new Promise<void>((r) => {
          this.#wakeConsumer = r;
        });
        this.#wakeConsumer = undefined;
        continue;
      }
      try {
        const outs = await Promise.all(head.parts);
        let events = outs[0]?.events ?? [];
        let dead = outs[0]?.deadLetters ?? [];
        let filtered = outs[0]?.filtered ?? 0;
        for (let i = 1; i < outs.length; i++) {
          events = events.concat(outs[i]!.events);
          dead = dead.concat(outs[i]!.deadLetters);
          filtered += outs[i]!.filtered;
        }
        if (head.rejected.length > 0) dead = dead.concat(head.rejected);
        c.read += events.length + dead.length + filtered;
        c.events += events.length;
        c.deadLetters += dead.length;
        c.filtered += filtered;
        await queue.add(events, dead, head.positions, head.onCommitted);
      } catch (e) {
        // A parser bug: stop this pipeline; what was read after it is read again on the next start.
        this.#failure ??= e;
        this.#abort.abort();
        this.#window = [];
        this.#wakeReader?.();
        return;
      }
      this.#window.shift();
      const left = (this.#keysInFlight.get(head.key) ?? 1) - 1;
      if (left > 0) this.#keysInFlight.set(head.key, left);
      else {
        this.#keysInFlight.delete(head.key);
        if (head.key !== this.version.key) this.deps.retired?.(head.key);
      }
      this.#wakeReader?.();
    }
  }
}
