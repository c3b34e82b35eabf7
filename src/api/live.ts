// Live ingest totals for the SSE stream (and /api/health, /api/subsystems, /metrics): seeded from
// the warehouse once, then advanced by every commit this process makes, so a tick costs no query.
// That is the whole truth only when this process is the warehouse's one writer (the embedded
// DuckDB case). A shared ClickHouse warehouse also takes rows from other `mortar serve` processes
// (agents shipping to another server), so there `follow` re-reads the counts periodically.
import type { CommitBatch, Warehouse } from '../warehouse/warehouse.ts';

interface Tally {
  bySubsystem: Record<string, number>;
  deadLetters: number;
}

export interface LiveFollow {
  stop(): Promise<void>;
}

/** Waits between refreshes: at least this, and at least RELATIVE_COST times the last query. */
export const REFRESH_MS = 2000;
const RELATIVE_COST = 10;

export class LiveTotals {
  readonly bySubsystem: Record<string, number> = {};
  deadLetters = 0;
  /** Local commits counted while a refresh query runs (it may or may not have seen them). */
  #during: Tally | undefined;

  static async seed(warehouse: Warehouse): Promise<LiveTotals> {
    const t = new LiveTotals();
    const c = await warehouse.counts();
    Object.assign(t.bySubsystem, c.bySubsystem);
    t.deadLetters = c.deadLetters;
    return t;
  }

  add(batch: CommitBatch): void {
    for (const e of batch.events) {
      this.bySubsystem[e.subsystem] = (this.bySubsystem[e.subsystem] ?? 0) + 1;
      if (this.#during)
        this.#during.bySubsystem[e.subsystem] = (this.#during.bySubsystem[e.subsystem] ?? 0) + 1;
    }
    this.deadLetters += batch.deadLetters.length;
    if (this.#during) this.#during.deadLetters += batch.deadLetters.length;
  }

  /**
   * Takes the warehouse's counts. ClickHouse reads are not snapshots, so a local commit made while
   * the query ran may be in its answer or not: the true value lies in [fresh, fresh + during]. The
   * current value is kept when it lies there (no step back and forth), else the nearer end is
   * taken — rows from other writers raise it, retention lowers it.
   */
  async refresh(warehouse: Warehouse): Promise<void> {
    const during: Tally = { bySubsystem: {}, deadLetters: 0 };
    this.#during = during;
    let fresh: Awaited<ReturnType<Warehouse['counts']>>;
    try {
      fresh = await warehouse.counts();
    } finally {
      this.#during = undefined;
    }
    const clamp = (current: number, low: number, extra: number) =>
      Math.min(Math.max(current, low), low + extra);
    for (const name of new Set([...Object.keys(this.bySubsystem), ...Object.keys(fresh.bySubsystem)])) {
      const v = clamp(
        this.bySubsystem[name] ?? 0,
        fresh.bySubsystem[name] ?? 0,
        during.bySubsystem[name] ?? 0,
      );
      if (v === 0 && !(name in fresh.bySubsystem)) delete this.bySubsystem[name];
      else this.bySubsystem[name] = v;
    }
    this.deadLetters = clamp(this.deadLetters, fresh.deadLetters, during.deadLetters);
  }

  /**
   * Refreshes every REFRESH_MS (spaced out further when the count query is slow, so a big
   * warehouse pays at most about a tenth of one query stream for it) until stopped.
   */
  follow(warehouse: Warehouse, onError: (e: unknown) => void): LiveFollow {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let wake = () => {};
    const loop = async () => {
      let wait = REFRESH_MS;
      while (!stopped) {
        await new Promise<void>((r) => {
          wake = r;
          timer = setTimeout(r, wait);
        });
        if (stopped) return;
        const started = performance.now();
        try {
          await this.refresh(warehouse);
        } catch (e) {
          onError(e);
        }
        wait = Math.max(REFRESH_MS, RELATIVE_COST * (performance.now() - started));
      }
    };
    const running = loop();
    return {
      async stop() {
        stopped = true;
        clearTimeout(timer);
        wake();
        await running;
      },
    };
  }
}
