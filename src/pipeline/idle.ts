// Waiting for an ingest to catch up: every source has read its files to the end and nothing is
// waiting to be committed, for a few polls in a row (multiline records flush after a quiet spell).
// "Nothing waiting" includes batches still being parsed and a commit still running, so idle means
// every line read so far is in the warehouse.
import type { Ingest } from './ingest.ts';

export interface IdleOptions {
  pollMs?: number;
  /** Consecutive idle polls required. */
  quietPolls?: number;
  /** Give up after this long; resolves false then. */
  timeoutMs?: number;
  onPoll?: (status: ReturnType<Ingest['status']>) => void;
}

export async function waitUntilIdle(ingest: Ingest, opts: IdleOptions = {}): Promise<boolean> {
  const { pollMs = 250, quietPolls = 6, timeoutMs = Number.POSITIVE_INFINITY, onPoll } = opts;
  const deadline = Date.now() + timeoutMs;
  for (let quiet = 0; quiet < quietPolls; ) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, pollMs));
    const s = ingest.status();
    onPoll?.(s);
    const behind = Object.values(s.pipelines).reduce((a, p) => a + p.bytesBehind, 0);
    quiet = behind === 0 && s.settled ? quiet + 1 : 0;
  }
  return true;
}
