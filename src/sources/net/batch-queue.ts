// The hand-off between network callbacks, which fire whenever data arrives, and the pipeline's
// pull of batches, which is the backpressure. The queue is bounded by its owner: what happens
// when it is full is the protocol's choice (TCP pauses its sockets, UDP drops and counts, HTTP
// answers 503). Items keep their acknowledgement; a taken batch calls every ack it merged.
import type { RawRecord, RejectedRecord, SourceBatch, SourcePosition } from '../source.ts';

export interface QueuedItem {
  records: RawRecord[];
  rejected: RejectedRecord[];
  positions?: SourcePosition[];
  /** Input bytes behind these records (lag in stats). */
  bytes: number;
  onCommitted?: () => void;
}

export class BatchQueue {
  #items: QueuedItem[] = [];
  #size = 0;
  #bytes = 0;
  #closed = false;
  #wake: (() => void) | undefined;

  constructor(
    private readonly maxBatchRecords: number,
    /** Called after each take (e.g. to resume paused sockets once there is room). */
    private readonly onTaken?: () => void,
  ) {}

  /** Records and rejected records queued, not yet taken. */
  get size(): number {
    return this.#size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Queues a whole item (e.g. one HTTP request); false once the queue is closed. */
  push(item: QueuedItem): boolean {
    if (this.#closed) return false;
    this.#items.push(item);
    this.#count(item.records.length + item.rejected.length, item.bytes);
    return true;
  }

  /** Queues one record (or rejected record) without an ack, appended to the newest item. */
  pushOne(r: { record: RawRecord } | { rejected: RejectedRecord }, bytes: number): boolean {
    if (this.#closed) return false;
    let last = this.#items.at(-1);
    if (!last || last.onCommitted || last.records.length + last.rejected.length >= this.maxBatchRecords) {
      last = { records: [], rejected: [], bytes: 0 };
      this.#items.push(last);
    }
    if ('record' in r) last.records.push(r.record);
    else last.rejected.push(r.rejected);
    last.bytes += bytes;
    this.#count(1, bytes);
    return true;
  }

  /** Whole items merged into one batch of at most maxBatchRecords (at least one item); undefined when empty. */
  take(): SourceBatch | undefined {
    if (this.#items.length === 0) return undefined;
    const batch: SourceBatch = { records: [], rejected: [], positions: [] };
    const acks: (() => void)[] = [];
    let n = 0;
    while (this.#items.length > 0) {
      const item = this.#items[0]!;
      const size = item.records.length + item.rejected.length;
      if (n > 0 && n + size > this.maxBatchRecords) break;
      this.#items.shift();
      n += size;
      this.#size -= size;
      this.#bytes -= item.bytes;
      for (const r of item.records) batch.records.push(r);
      for (const r of item.rejected) batch.rejected.push(r);
      if (item.positions) for (const p of item.positions) batch.positions.push(p);
      if (item.onCommitted) acks.push(item.onCommitted);
    }
    if (acks.length === 1) batch.onCommitted = acks[0];
    else if (acks.length > 1)
      batch.onCommitted = () => {
        for (const ack of acks) ack();
      };
    this.onTaken?.();
    return batch;
  }

  /** Resolves when something is queued, the queue closes, or `signal` aborts. */
  wait(signal: AbortSignal): Promise<void> {
    if (this.#items.length > 0 || this.#closed || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        signal.removeEventListener('abort', done);
        this.#wake = undefined;
        resolve();
      };
      this.#wake = done;
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Refuses further pushes; what is queued can still be taken. */
  close(): void {
    this.#closed = true;
    this.#wake?.();
  }

  #count(records: number, bytes: number): void {
    this.#size += records;
    this.#bytes += bytes;
    this.#wake?.();
  }
}

/**
 * The generator every network source runs: yields queued batches until `signal` aborts, then
 * yields what is still queued and closes the queue (later arrivals are refused).
 */
export async function* drainQueue(queue: BatchQueue, signal: AbortSignal): AsyncGenerator<SourceBatch> {
  try {
    for (;;) {
      const batch = queue.take();
      if (batch) {
        yield batch;
        continue;
      }
      if (signal.aborted || queue.closed) return;
      await queue.wait(signal);
    }
  } finally {
    queue.close();
  }
}
