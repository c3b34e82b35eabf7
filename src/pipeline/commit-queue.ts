// Collects rows and read positions from all pipelines and commits them to the warehouse in
// batches (by row count or interval), one commit at a time. Positions travel with their rows, so
// a position is stored only in the transaction that stores what was read before it. Producers
// await `add` while the queue is full (batch_rows rows, or an estimated byte size, pending while a
// commit is in flight): backpressure instead of memory growth. A producer may pass
// an acknowledgement with its rows; it is called once they are committed (HTTP push answers then).
import type { DeadLetter, MortarEvent } from '../events/event.ts';
import type { SourcePosition } from '../sources/source.ts';
import type { CommitBatch, Warehouse } from '../warehouse/warehouse.ts';

export interface CommitStats {
  commits: number;
  events: number;
  deadLetters: number;
  failures: number;
  lastError?: string;
}

export interface CommitQueueOptions {
  batchRows: number;
  batchIntervalMs: number;
  /**
   * Producers also wait while the pending rows are estimated to take this much memory (long lines
   * reach it before batchRows does). Default 8 MiB.
   */
  maxPendingBytes?: number;
  /** Called after each successful commit with what it stored. */
  onCommit?: (batch: CommitBatch) => void;
  onError?: (e: unknown) => void;
  /** Test hook: awaited before each commit (a slow warehouse). */
  beforeCommit?: () => Promise<void>;
}

export class CommitQueue {
  private events: MortarEvent[] = [];
  private deadLetters: DeadLetter[] = [];
  private positions = new Map<string, SourcePosition>();
  /** Estimated memory of the pending rows (see rowBytes). */
  private pendingBytes = 0;
  private readonly maxPendingBytes: number;
  /** Acknowledgements of the pending rows, called after the commit that stores them. */
  private acks: (() => void)[] = [];
  private inFlight: Promise<void> | undefined;
  private waiters: (() => void)[] = [];
  private timer: NodeJS.Timeout;
  private closed = false;
  readonly stats: CommitStats = { commits: 0, events: 0, deadLetters: 0, failures: 0 };

  constructor(
    private readonly warehouse: Warehouse,
    private readonly opts: CommitQueueOptions,
  ) {
    this.maxPendingBytes = opts.maxPendingBytes ?? 8 * 1024 * 1024;
    this.timer = setInterval(() => void this.kick(), opts.batchIntervalMs);
  }

  /** Pending rows make a batch: commit now, and producers wait until the commit has taken them. */
  private get full(): boolean {
    return this.pendingRows >= this.opts.batchRows || this.pendingBytes >= this.maxPendingBytes;
  }

  get pendingRows(): number {
    return this.events.length + this.deadLetters.length;
  }

  /** Nothing waits to be committed and no commit runs: everything handed over is stored. */
  get settled(): boolean {
    return !this.inFlight && this.pendingRows === 0 && this.positions.size === 0 && this.acks.length === 0;
  }

  async add(
    events: MortarEvent[],
    deadLetters: DeadLetter[],
    positions: SourcePosition[],
    onCommitted?: () => void,
  ): Promise<void> {
    if (this.closed) throw new Error('CommitQueue.add after close');
    let bytes = 0;
    for (const e of events) {
      this.events.push(e);
      bytes += rowBytes(e.raw);
    }
    for (const d of deadLetters) {
      this.deadLetters.push(d);
      bytes += rowBytes(d.raw);
    }
    this.pendingBytes += bytes;
    for (const p of positions) this.positions.set(`${p.pipeline}\0${p.fileId}`, p);
    if (onCommitted) this.acks.push(onCommitted);
    // At most one batch pending beside the one being committed (plus what producers add meanwhile).
    if (this.full) void this.kick();
    while (this.full) await new Promise<void>((r) => this.waiters.push(r));
  }

  /** Commits everything pending, including positions without rows (e.g. after filtered lines). */
  async flush(): Promise<void> {
    while (this.inFlight || this.pendingRows > 0 || this.positions.size > 0 || this.acks.length > 0) {
      if (this.inFlight) await this.inFlight;
      else await this.kick();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.flush();
  }

  private kick(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    if (this.pendingRows === 0 && this.positions.size === 0 && this.acks.length === 0)
      return Promise.resolve();
    const acks = this.acks;
    this.acks = [];
    const batch: CommitBatch = {
      events: this.events,
      deadLetters: this.deadLetters,
      positions: [...this.positions.values()],
    };
    this.events = [];
    this.deadLetters = [];
    this.positions = new Map();
    const bytes = this.pendingBytes;
    this.pendingBytes = 0;
    // The rows are in this commit now: the queue has room again.
    for (const w of this.waiters.splice(0)) w();
    const hook = this.opts.beforeCommit;
    this.inFlight = (hook ? hook().then(() => this.warehouse.commit(batch)) : this.warehouse.commit(batch))
      .then(
        () => {
          this.stats.commits++;
          this.stats.events += batch.events.length;
          this.stats.deadLetters += batch.deadLetters.length;
          this.opts.onCommit?.(batch);
          for (const ack of acks) {
            try {
              ack();
            } catch (e) {
              this.opts.onError?.(e);
            }
          }
        },
        async (e: unknown) => {
          // Put the batch back in front (older positions must not overwrite newer ones) and retry later.
          this.stats.failures++;
          this.stats.lastError = String(e);
          this.opts.onError?.(e);
          this.events = batch.events.concat(this.events);
          this.deadLetters = batch.deadLetters.concat(this.deadLetters);
          this.pendingBytes += bytes;
          this.acks = acks.concat(this.acks);
          const newer = this.positions;
          this.positions = new Map(batch.positions.map((p) => [`${p.pipeline}\0${p.fileId}`, p]));
          for (const [k, p] of newer) this.positions.set(k, p);
          await new Promise((r) => setTimeout(r, 1000));
        },
      )
      .finally(() => {
        this.inFlight = undefined;
        // A batch filled up while this commit ran: its producers are waiting for the next one.
        if (this.full) void this.kick();
      });
    return this.inFlight;
  }
}

/**
 * Estimated memory of one pending row: the event object with its keys and attrs (about 1.5 KiB
 * measured on the bench's access lines), plus its raw text and the fields parsed out of it.
 */
function rowBytes(raw: string): number {
  return 1536 + 4 * raw.length;
}
