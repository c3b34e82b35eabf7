// Live ingest totals for the SSE stream: seeded from the warehouse once, then advanced by every
// commit the ingest reports, so a tick costs no query.
import type { CommitBatch, Warehouse } from '../warehouse/warehouse.ts';

export class LiveTotals {
  readonly bySubsystem: Record<string, number> = {};
  deadLetters = 0;

  static async seed(warehouse: Warehouse): Promise<LiveTotals> {
    const t = new LiveTotals();
    const c = await warehouse.counts();
    Object.assign(t.bySubsystem, c.bySubsystem);
    t.deadLetters = c.deadLetters;
    return t;
  }

  add(batch: CommitBatch): void {
    for (const e of batch.events) this.bySubsystem[e.subsystem] = (this.bySubsystem[e.subsystem] ?? 0) + 1;
    this.deadLetters += batch.deadLetters.length;
  }
}
