// How late rows become visible: for each commit, the time from the oldest received_at among its
// rows (stamped when the line was read, before parsing and queueing) to the end of the commit.
// Processors that follow new rows by received_at re-read a margin behind their last position for
// rows committed after newer ones; this is the measured size that margin must have (the live flow
// runner widens its margin to it), instead of an assumed one. Per database, over a recent window.

/** Commits older than this no longer count. */
const WINDOW_MS = 10 * 60_000;

export class LateCommits {
  private recent: { atMs: number; delayUs: number }[] = [];

  /** A commit that stored rows whose oldest received_at is `oldestUs` has just ended. */
  record(oldestUs: number, nowMs: number = Date.now()): void {
    const delayUs = nowMs * 1000 - oldestUs;
    this.prune(nowMs);
    // Only the largest matters: a smaller delay recorded before a larger one can go.
    while (this.recent.length && this.recent.at(-1)!.delayUs <= delayUs) this.recent.pop();
    this.recent.push({ atMs: nowMs, delayUs });
  }

  /** The longest such delay among the commits of the last ten minutes (0 when none). */
  maxDelayUs(nowMs: number = Date.now()): number {
    this.prune(nowMs);
    return Math.max(0, this.recent[0]?.delayUs ?? 0);
  }

  private prune(nowMs: number): void {
    while (this.recent.length && this.recent[0]!.atMs < nowMs - WINDOW_MS) this.recent.shift();
  }
}

/**
 * How far behind its last received_at position a follower must look again: `baseUs`, or the
 * longest recent commit delay plus 2 s (the time between measuring and reading), at most a minute
 * (later rows, e.g. an agent's buffer after an outage, are left to reprocess rather than re-read
 * every run).
 */
export function lateMarginUs(warehouse: { commitDelayUs?(): number }, baseUs: number): number {
  return Math.max(baseUs, Math.min((warehouse.commitDelayUs?.() ?? 0) + 2e6, 60e6));
}

/** The oldest received_at of a batch's rows (undefined: no rows). */
export function oldestReceived(batch: {
  events: readonly { receivedAt: number }[];
  deadLetters: readonly { receivedAt: number }[];
}): number | undefined {
  let min = Number.POSITIVE_INFINITY;
  for (const e of batch.events) if (e.receivedAt < min) min = e.receivedAt;
  for (const d of batch.deadLetters) if (d.receivedAt < min) min = d.receivedAt;
  return Number.isFinite(min) ? min : undefined;
}
