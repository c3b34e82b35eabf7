// Live totals whichever server a browser reaches: two `mortar serve` processes share one ClickHouse
// database; a batch arrives at server A only (the agents' intake), and server B's SSE stream
// (/api/live) must come to show it, because B re-reads the shared warehouse's counts instead of
// counting only its own commits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MortarEvent } from '../../src/events/event.ts';
import { type ClickHouseServer, startClickHouse } from '../support/clickhouse.ts';
import { serveOnClickHouse } from './chaos-support.ts';

const cleanups: (() => Promise<void> | void)[] = [];

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const serve = (dir: string, name: string, ch: ClickHouseServer) =>
  serveOnClickHouse(dir, name, ch.url, 'live', cleanups);

function event(i: number): MortarEvent {
  const ts = Date.UTC(2026, 10, 27, 12, 0, 0) * 1000 + i;
  return {
    id: `live-${i}`,
    ts,
    receivedAt: ts,
    subsystem: 'gateway',
    component: `gw-${i % 2}`,
    source: 'file',
    kind: 'log',
    type: 'gateway.forward',
    severity: 'info',
    keys: {},
    attrs: {},
    message: `forwarded ${i}`,
    raw: `line ${i}`,
    pipeline: 'gw',
    file: '/var/log/gw.log',
    offset: i * 10,
  };
}

interface LivePayload {
  totals: Record<string, number>;
  deadLetters: number;
}

/** Reads `url`'s SSE stream until `done` holds for a payload or `timeoutMs` passed; returns the last one. */
async function watchLive(
  url: string,
  done: (p: LivePayload) => boolean,
  timeoutMs: number,
): Promise<{ last?: LivePayload; seen: boolean }> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  let last: LivePayload | undefined;
  try {
    const res = await fetch(`${url}/api/live`, { signal: abort.signal });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = '';
    for (;;) {
      const { value, done: ended } = await reader.read();
      if (ended) return { last, seen: false };
      buffered += value;
      let cut = buffered.indexOf('\n\n');
      while (cut >= 0) {
        const data = buffered
          .slice(0, cut)
          .split('\n')
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).trim())
          .join('\n');
        buffered = buffered.slice(cut + 2);
        cut = buffered.indexOf('\n\n');
        if (!data) continue;
        last = JSON.parse(data) as LivePayload;
        if (done(last)) {
          await reader.cancel();
          return { last, seen: true };
        }
      }
    }
  } catch (e) {
    if (abort.signal.aborted) return { last, seen: false };
    throw e;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

describe('live totals on a shared ClickHouse warehouse', () => {
  it('server B streams the totals of rows that arrived at server A', async () => {
    const ch = await startClickHouse();
    cleanups.push(() => ch.stop());
    const dir = mkdtempSync(join(tmpdir(), 'mortar-live-shared-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    // A first: it creates the schema B then finds.
    const a = await serve(dir, 'server-a', ch);
    const b = await serve(dir, 'server-b', ch);

    const before = await watchLive(b.url, () => true, 10_000);
    expect(before.seen, 'server B sends an ingest payload at once').toBe(true);
    expect(before.last!.totals.gateway ?? 0).toBe(0);

    const events = Array.from({ length: 25 }, (_, i) => event(i));
    const deadLetter = {
      id: 'live-dl-1',
      receivedAt: events[0]!.receivedAt,
      source: 'file',
      stage: 'parse',
      reason: 'no pattern matched',
      raw: 'garbage',
      pipeline: 'gw',
      file: '/var/log/gw.log',
      offset: 999,
    };
    const res = await fetch(`${a.url}/api/agent/batches`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        agent: 'host-1',
        stream: 's1',
        records: [{ seq: 1, events, deadLetters: [deadLetter] }],
      }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({ acked: 1, stored: 1 });

    // A counted its own commit; B learns it only from the warehouse.
    const onA = await watchLive(a.url, (p) => p.totals.gateway === 25, 10_000);
    expect(onA.seen, `server A's stream: ${JSON.stringify(onA.last)}`).toBe(true);
    const onB = await watchLive(b.url, (p) => p.totals.gateway === 25 && p.deadLetters === 1, 30_000);
    expect(
      onB.seen,
      `server B's /api/live did not show gateway: 25 and 1 dead letter within 30 s; last payload ${JSON.stringify(onB.last)}`,
    ).toBe(true);
    const health = (await (await fetch(`${b.url}/api/health`)).json()) as { warehouse: { events: number } };
    expect(health.warehouse.events).toBe(25);
  }, 120_000);
});
