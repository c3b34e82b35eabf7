// Remembers the client batch ids of HTTP intakes so that a retried batch is stored once. A batch
// still waiting for its commit is joined by its retry; a committed one is answered at once. The
// last `window` committed ids survive restarts as positions: slot `seq % window` holds the id
// (`path`) and its sequence number (`offset`), committed in the same transaction as the batch's
// rows, so "committed" here means exactly what the warehouse holds.
import type { SourcePosition } from '../source.ts';

const SLOT = 'batch-slot:';

export interface BatchOutcome {
  records: number;
  rejected: number;
}

export class BatchIds {
  readonly #committed = new Map<string, number>();
  readonly #ring: (string | undefined)[];
  readonly #pending = new Map<string, Promise<BatchOutcome | undefined>>();
  #seq = 0;

  constructor(
    private readonly pipeline: string,
    private readonly window: number,
    positions: SourcePosition[],
  ) {
    this.#ring = new Array(window);
    for (const p of positions) {
      if (!p.fileId.startsWith(SLOT)) continue;
      const slot = Number(p.fileId.slice(SLOT.length));
      if (!(slot < window) || p.offset % window !== slot) continue;
      this.#ring[slot] = p.path;
      this.#committed.set(p.path, p.offset);
      this.#seq = Math.max(this.#seq, p.offset + 1);
    }
  }

  isCommitted(id: string): boolean {
    return this.#committed.has(id);
  }

  /** The outcome of the same batch still on its way to a commit (undefined when it times out). */
  pending(id: string): Promise<BatchOutcome | undefined> | undefined {
    return this.#pending.get(id);
  }

  /**
   * Starts a batch: `outcome` settles when it is committed (or abandoned). Returns the position
   * to commit with its rows (none when the window is 0), and what to call once committed.
   */
  begin(
    id: string,
    outcome: Promise<BatchOutcome | undefined>,
  ): { positions: SourcePosition[]; committed: () => void } {
    this.#pending.set(id, outcome);
    const done = () => {
      if (this.#pending.get(id) === outcome) this.#pending.delete(id);
    };
    outcome.then(done, done);
    if (this.window === 0) return { positions: [], committed: () => {} };
    const seq = this.#seq++;
    const slot = seq % this.window;
    const position: SourcePosition = {
      pipeline: this.pipeline,
      fileId: `${SLOT}${slot}`,
      path: id,
      offset: seq,
    };
    return {
      positions: [position],
      committed: () => {
        const old = this.#ring[slot];
        const oldSeq = old === undefined ? undefined : this.#committed.get(old);
        // Already taken over by a newer batch (more than `window` batches committed at once).
        if (oldSeq !== undefined && oldSeq > seq) return;
        if (old !== undefined) this.#committed.delete(old);
        this.#ring[slot] = id;
        this.#committed.set(id, seq);
      },
    };
  }
}
