// LiveTotals.refresh on a real (in-memory DuckDB) warehouse: rows another writer committed are
// taken in, and a local commit that lands while the count query runs neither gets lost nor makes
// the totals step back when the answer did not see it.
import { afterEach, describe, expect, it } from 'vitest';
import type { MortarEvent } from '../events/event.ts';
import { openWarehouse } from '../warehouse/open.ts';
import type { CommitBatch, Warehouse } from '../warehouse/warehouse.ts';
import { LiveTotals } from './live.ts';

let open: Warehouse[] = [];
afterEach(async () => {
  for (const w of open) await w.close();
  open = [];
});

async function warehouse(): Promise<Warehouse> {
  const w = await openWarehouse({ type: 'duckdb', path: ':memory:' });
  await w.migrate();
  open.push(w);
  return w;
}

let next = 0;
function batch(subsystem: string, n: number): CommitBatch {
  const events: MortarEvent[] = Array.from({ length: n }, () => {
    const i = next++;
    return {
      id: `e${i}`,
      ts: 1_700_000_000_000_000 + i,
      receivedAt: 1_700_000_000_000_000 + i,
      subsystem,
      component: 'c',
      source: 'file',
      kind: 'log',
      type: 't',
      severity: 'info',
      keys: {},
      attrs: {},
      message: 'm',
      raw: 'r',
      pipeline: 'p',
      file: 'f',
      offset: i,
    };
  });
  return { events, deadLetters: [], positions: [] };
}

describe('LiveTotals.refresh', () => {
  it('takes in rows committed by another writer', async () => {
    const w = await warehouse();
    await w.commit(batch('gateway', 3));
    const live = await LiveTotals.seed(w);
    const local = batch('gateway', 2);
    await w.commit(local);
    live.add(local);
    await w.commit(batch('video', 4)); // another server's commit: no add() here
    expect(live.bySubsystem).toEqual({ gateway: 5 });
    await live.refresh(w);
    expect(live.bySubsystem).toEqual({ gateway: 5, video: 4 });
  });

  it('keeps a local commit the count query did not see', async () => {
    const w = await warehouse();
    await w.commit(batch('gateway', 3));
    const live = await LiveTotals.seed(w);
    // The counts are read first, then held back while a local commit is made and counted.
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    const slow: Warehouse = {
      ...w,
      counts: async () => {
        const c = await w.counts();
        await held;
        return c;
      },
    };
    const refreshing = live.refresh(slow);
    const local = batch('gateway', 2);
    await w.commit(local);
    live.add(local);
    release();
    await refreshing;
    expect(live.bySubsystem).toEqual({ gateway: 5 });
    // The next refresh sees it in the warehouse too.
    await live.refresh(w);
    expect(live.bySubsystem).toEqual({ gateway: 5 });
  });

  it('follows the warehouse until stopped', async () => {
    const w = await warehouse();
    const live = await LiveTotals.seed(w);
    const follow = live.follow(w, (e) => {
      throw e;
    });
    try {
      await w.commit(batch('console', 7));
      const deadline = Date.now() + 20_000;
      while (live.bySubsystem.console !== 7 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect(live.bySubsystem, 'no refresh within 20 s').toEqual({ console: 7 });
    } finally {
      await follow.stop();
    }
  });
});
