// One active processor among servers on one ClickHouse (src/process/lease.ts): the lease on a real
// private ClickHouse server, claimed, held, taken over after expiry, handed over on release, and
// contested by simultaneous claims; then two real `mortar serve` processes where exactly one runs
// the processors and the other takes over when the first is SIGKILLed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processorLease } from '../../src/process/lease.ts';
import { openWarehouse } from '../../src/warehouse/open.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';
import { type ClickHouseServer, startClickHouse } from '../support/clickhouse.ts';
import { serveOnClickHouse } from './chaos-support.ts';

let ch: ClickHouseServer;
const cleanups: (() => Promise<void> | void)[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  ch = await startClickHouse();
}, 60_000);

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  await ch?.stop();
});

async function warehouse(database: string): Promise<Warehouse> {
  const w = await openWarehouse({ type: 'clickhouse', url: ch.url, database });
  cleanups.push(() => w.close());
  return w;
}

describe('processor lease on ClickHouse', () => {
  it('is held by one, taken over after expiry, handed over at once on release', async () => {
    const [wa, wb] = [await warehouse('lease1'), await warehouse('lease1')];
    const a = processorLease(wa, { me: 'a', ttlMs: 1500, renewMs: 200 });
    const b = processorLease(wb, { me: 'b', ttlMs: 1500, renewMs: 200 });
    expect(await a.held()).toBe(true);
    expect(await b.held()).toBe(false);
    expect(b.status()).toMatchObject({ held: false, holder: 'a' });
    // a keeps renewing: b stays out.
    for (let i = 0; i < 5; i++) {
      await sleep(250);
      expect(await a.held()).toBe(true);
      expect(await b.held()).toBe(false);
    }
    // a stops renewing (as if it died): b takes over once the claim expired, a learns it lost.
    await sleep(1700);
    expect(await b.held()).toBe(true);
    await sleep(250);
    expect(await a.held()).toBe(false);
    expect(a.status()).toMatchObject({ held: false, holder: 'b' });
    // b releases: a takes over at its next check, without waiting for the expiry.
    await b.release();
    await sleep(250);
    expect(await a.held()).toBe(true);
  }, 60_000);

  it('ends with exactly one holder when several claim at the same moment', async () => {
    for (let round = 0; round < 5; round++) {
      const db = `lease_race_${round}`;
      const ws = await Promise.all([1, 2, 3].map(() => warehouse(db)));
      const leases = ws.map((w, i) => processorLease(w, { me: `s${i}`, ttlMs: 5000, renewMs: 100 }));
      await Promise.all(leases.map((l) => l.held()));
      // One more round of checks after every claim landed: exactly one still holds it.
      await sleep(150);
      const held = await Promise.all(leases.map((l) => l.held()));
      expect(held.filter(Boolean), `round ${round}: ${JSON.stringify(held)}`).toHaveLength(1);
    }
  }, 60_000);

  it('lets exactly one of two servers process, and the other take over when it is killed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mortar-lease-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const serve = (name: string) =>
      serveOnClickHouse(dir, name, ch.url, 'lease_e2e', cleanups, { server: { processor_lease: '3s' } });
    const active = async (url: string) =>
      ((await (await fetch(`${url}/api/health`)).json()) as { processor: { active: boolean } }).processor
        .active;
    /** Polls until `want` holds for both servers' flags, or 45 s passed (the lease lasts 3 s here). */
    const until = async (servers: string[], want: (flags: boolean[]) => boolean) => {
      const deadline = Date.now() + 45_000;
      let flags: boolean[] = [];
      while (Date.now() < deadline) {
        flags = await Promise.all(servers.map(active));
        if (want(flags)) return flags;
        await sleep(250);
      }
      return flags;
    };

    const a = await serve('server-a');
    const b = await serve('server-b');
    const both = await until([a.url, b.url], (f) => f.filter(Boolean).length === 1);
    expect(both.filter(Boolean), `active flags ${JSON.stringify(both)}`).toHaveLength(1);
    const [holder, standby] = both[0] ? [a, b] : [b, a];
    // The standby's flag is false from its start, so it can be read before the standby's first
    // look at the lease has logged anything: wait for that line.
    const deadline = Date.now() + 15_000;
    while (!/processors: standing by/.test(standby.child.output()) && Date.now() < deadline) await sleep(100);
    expect(standby.child.output()).toMatch(/processors: standing by/);

    holder.child.child.kill('SIGKILL');
    await holder.child.exited;
    const after = await until([standby.url], (f) => f[0] === true);
    expect(after, 'the standby took over within 45 s').toEqual([true]);
    expect(standby.child.output()).toMatch(/holds the processor lease/);
  }, 150_000);
});
