// The `poll` source against a tiny local status page whose answer changes: only changes are
// recorded (key order and ignored fields do not count), the last state survives a restart through
// the committed position, heartbeats repeat the state, and failures become dead letters.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.ts';
import { startIngest } from '../pipeline/ingest.ts';
import { openWarehouse } from '../warehouse/open.ts';
import { Drain } from './net/drain.ts';
import { createPollSource, normalise, type PollOptions } from './poll.ts';

interface Page {
  url: string;
  /** What the next GET answers. */
  answer: { status: number; type: string; body: string } | 'hang';
  server: Server;
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function statusPage(): Promise<Page> {
  const page = { answer: 'hang' } as Page;
  page.server = createServer((_req, res) => {
    const a = page.answer;
    if (a === 'hang') return;
    res.writeHead(a.status, { 'content-type': a.type });
    res.end(a.body);
  });
  await new Promise<void>((r) => page.server.listen(0, '127.0.0.1', r));
  page.url = `http://127.0.0.1:${(page.server.address() as AddressInfo).port}/status`;
  cleanup.push(
    () =>
      new Promise((r) => {
        page.server.closeAllConnections();
        page.server.close(() => r());
      }),
  );
  return page;
}

const json = (v: object) => ({ status: 200, type: 'application/json', body: JSON.stringify(v) });

function poll(o: Partial<PollOptions> & { url: string }): Drain {
  const drain = new Drain(createPollSource({ pipeline: 'status', intervalMs: 20, timeoutMs: 500, ...o }));
  cleanup.push(() => drain.stop());
  return drain;
}

describe('poll source', () => {
  it('records changes only; the last state survives a restart', async () => {
    const page = await statusPage();
    let clock = 0;
    const ok = () => json({ now: clock++, status: 'ok', links: { b: 2, a: 1 } });
    page.answer = ok();
    const first = poll({ url: page.url, ignoreFields: ['now'] });
    await first.waitFor('the first state', () => first.records.length === 1);
    // Same state with another clock and another key order: no change.
    page.answer = json({ links: { a: 1, b: 2 }, status: 'ok', now: clock++ });
    await sleep(150);
    expect(first.records).toHaveLength(1);
    expect(first.records[0]).toMatchObject({
      text: '{"links":{"a":1,"b":2},"now":0,"status":"ok"}',
      file: page.url,
      meta: { _poll: 'change' },
    });
    page.answer = json({ status: 'degraded', now: clock++ });
    await first.waitFor('the change', () => first.records.length === 2);
    page.answer = ok();
    await first.waitFor('the change back', () => first.records.length === 3);
    expect(first.texts.map((t) => JSON.parse(t).status)).toEqual(['ok', 'degraded', 'ok']);
    expect(first.positions).toEqual([
      {
        pipeline: 'status',
        fileId: `poll:${page.url}`,
        path: page.url,
        offset: 3,
        checksum: expect.stringMatching(/^sha256:/),
      },
    ]);
    await first.stop();

    // A restart from the committed position: the unchanged state is not recorded again.
    const second = poll({ url: page.url, ignoreFields: ['now'], positions: first.positions });
    await sleep(200);
    expect(second.records).toHaveLength(0);
    page.answer = json({ status: 'failed', now: clock++ });
    await second.waitFor('the next change', () => second.records.length === 1);
    expect(second.positions[0]!.offset).toBe(4);
    expect(new Set([...first.records, ...second.records].map((r) => r.offset)).size).toBe(4);
  });

  it('keeps the last state in the warehouse: a restarted pipeline records only what changed meanwhile', async () => {
    const page = await statusPage();
    page.answer = json({ status: 'ok' });
    const dir = mkdtempSync(join(tmpdir(), 'mortar-poll-'));
    writeFileSync(
      join(dir, 'mortar.yaml'),
      `data_dir: .
ingest: { batch_rows: 100, batch_interval: 50ms }
pipelines:
  page:
    subsystem: video
    source: { type: poll, url: "${page.url}", interval: 20ms }
    parsers: [{ type: json }]
    map: { kind: status, type: "status.{_poll}", message: "{status}" }
`,
    );
    const run = async (until: (events: number) => boolean) => {
      const warehouse = await openWarehouse({ type: 'duckdb', path: join(dir, 'm.duckdb') });
      const ingest = await startIngest(loadConfig(join(dir, 'mortar.yaml')), warehouse);
      for (let i = 0; i < 400 && !until((await warehouse.counts()).events); i++) await sleep(10);
      await ingest.stop();
      const rows = (await warehouse.events({ limit: 10, offset: 0 })).rows;
      await warehouse.close();
      return rows;
    };
    expect((await run((n) => n === 1)).map((e) => e.message)).toEqual(['ok']);
    // Restarted with the page unchanged: in 300 ms of polling nothing new is recorded.
    const start = Date.now();
    expect(await run(() => Date.now() - start > 300)).toHaveLength(1);
    page.answer = json({ status: 'degraded' });
    const rows = await run((n) => n === 2);
    expect(rows.map((e) => e.message).sort()).toEqual(['degraded', 'ok']);
    expect(rows[0]).toMatchObject({ source: 'poll', kind: 'status', type: 'status.change', file: page.url });
  });

  it('repeats the state as a heartbeat when nothing changes', async () => {
    const page = await statusPage();
    page.answer = { status: 200, type: 'text/plain', body: 'all fine\r\nup 12s  \r\n' };
    const drain = poll({ url: page.url, heartbeatMs: 100, ignorePattern: /up \d+s/ });
    await drain.waitFor('a change and two heartbeats', () => drain.records.length >= 3);
    page.answer = { status: 200, type: 'text/plain', body: 'all fine\nup 13s\n' };
    await sleep(60);
    expect(drain.records.map((r) => r.meta?._poll).slice(0, 3)).toEqual(['change', 'heartbeat', 'heartbeat']);
    expect(drain.texts[0]).toBe('all fine\nup 12s');
    expect(drain.records.every((r) => r.meta?._poll !== 'change' || r === drain.records[0])).toBe(true);
  });

  it('turns HTTP errors, timeouts and refused connections into dead letters, and goes on', async () => {
    const page = await statusPage();
    page.answer = { status: 503, type: 'text/plain', body: 'maintenance' };
    const drain = poll({ url: page.url, timeoutMs: 100 });
    await drain.waitFor('an HTTP error', () => drain.rejected.length >= 1);
    expect(drain.rejected[0]).toMatchObject({
      reason: `GET ${page.url}: HTTP 503 Service Unavailable`,
      raw: 'maintenance',
      file: page.url,
    });
    page.answer = 'hang';
    await drain.waitFor('a timeout', () => drain.rejected.some((r) => /timeout/.test(r.reason)));
    page.answer = json({ status: 'ok' });
    await drain.waitFor('recovery', () => drain.records.length === 1);

    const closed = await statusPage();
    const url = closed.url;
    await cleanup.pop()!();
    const refused = poll({ url });
    await refused.waitFor('a refused connection', () => refused.rejected.length >= 1);
    expect(refused.rejected[0]!.reason).toMatch(/ECONNREFUSED/);
  });

  it('normalises JSON (sorted keys) and text (line ends, trailing blanks)', () => {
    expect(normalise('{"b":[{"y":1,"x":2}],"a":null}', 'application/json', {}).text).toBe(
      '{"a":null,"b":[{"x":2,"y":1}]}',
    );
    expect(normalise('{"a":{"b.c":1,"d":2}}', '', { ignoreFields: ['a.b.c'] }).compared).toBe(
      '{"a":{"d":2}}',
    );
    expect(normalise('\r\n x  \r\ny\t\n\n', 'text/plain', {}).text).toBe(' x\ny');
  });
});
