// The syslog source on real loopback sockets: UDP datagrams, TCP with both framings (also a
// message split across TCP segments), oversize messages, the sender as `_peer`, bounded
// connections, and backpressure (TCP pauses and loses nothing; UDP drops and counts).
import { createSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { Drain } from './net/drain.ts';
import { createSyslogServerSource, type SyslogServerOptions } from './syslog-server.ts';

const drains: Drain[] = [];
afterEach(async () => {
  await Promise.all(drains.splice(0).map((d) => d.stop()));
});

async function start(o: Partial<SyslogServerOptions> = {}, delayMs = 0) {
  const source = createSyslogServerSource({ pipeline: 'sys', listen: '127.0.0.1:0', protocol: 'both', ...o });
  const drain = new Drain(source, delayMs);
  drains.push(drain);
  const bound = await source.listening;
  return { source, drain, udpPort: bound.udp?.port ?? 0, tcpPort: bound.tcp?.port ?? 0 };
}

async function sendUdp(port: number, messages: (string | Buffer)[]): Promise<void> {
  const s = createSocket('udp4');
  for (const m of messages)
    await new Promise<void>((r, j) => s.send(m, port, '127.0.0.1', (e) => (e ? j(e) : r())));
  s.close();
}

async function tcp(port: number): Promise<Socket> {
  const s = connect({ port, host: '127.0.0.1', noDelay: true });
  await new Promise((r) => s.once('connect', r));
  return s;
}

const write = (s: Socket, data: string | Buffer) => new Promise<void>((r) => s.write(data, () => r()));
const octet = (m: string) => `${Buffer.byteLength(m)} ${m}`;

describe('syslog source', () => {
  it('UDP: one datagram is one record; the sender is _peer; oversize datagrams are dead letters', async () => {
    const { drain, udpPort } = await start({ maxLineBytes: 200 });
    await sendUdp(udpPort, [
      '<13>Jan  1 00:00:00 h app: one\n',
      '<165>1 2026-01-01T00:00:00Z h app - - - two',
      'x'.repeat(300),
    ]);
    await drain.waitFor(
      '2 records, 1 rejected',
      () => drain.records.length === 2 && drain.rejected.length === 1,
    );
    expect(drain.texts).toEqual([
      '<13>Jan  1 00:00:00 h app: one',
      '<165>1 2026-01-01T00:00:00Z h app - - - two',
    ]);
    expect(drain.records[0]).toMatchObject({
      file: 'udp://127.0.0.1:0',
      offset: 0,
      endOffset: 31,
      meta: { _peer: '127.0.0.1' },
    });
    expect(drain.records[1]!.offset).toBe(31);
    expect(drain.rejected[0]!.reason).toMatch(/longer than 200 bytes .*from 127\.0\.0\.1/);
    expect(drain.batches.every((b) => b.positions.length === 0)).toBe(true);
  });

  it('TCP, one message per line: CRLF, a message cut across segments, a last line without LF', async () => {
    const { drain, tcpPort } = await start();
    const s = await tcp(tcpPort);
    await write(s, '<13>first\r\n<13>sec');
    await sleep(30);
    await write(s, 'ond ü');
    await sleep(30);
    await write(s, 'nd\n<13>last');
    s.end();
    await drain.waitFor('3 records', () => drain.records.length === 3);
    expect(drain.texts).toEqual(['<13>first', '<13>second ünd', '<13>last']);
    expect(drain.records[2]).toMatchObject({ file: 'tcp://127.0.0.1:0', meta: { _peer: '127.0.0.1' } });
    expect(new Set(drain.records.map((r) => r.fileId)).size).toBe(1);
  });

  it('TCP, octet counting: messages cut inside the count and inside a character; oversize rejected', async () => {
    const { drain, tcpPort } = await start({ maxLineBytes: 100 });
    const stream = Buffer.from(
      octet('<13>1 2026-01-01T00:00:00Z h app - - - multi\nline') +
        octet(`<13>${'z'.repeat(150)}`) +
        octet('<14>grüße'),
    );
    const s = await tcp(tcpPort);
    // Cut inside the first count, inside the oversize message and inside "ü".
    for (const [a, b] of [
      [0, 1],
      [1, 60],
      [60, stream.length - 4],
      [stream.length - 4, stream.length],
    ] as const) {
      await write(s, stream.subarray(a, b));
      await sleep(30);
    }
    await drain.waitFor(
      '2 records, 1 rejected',
      () => drain.records.length === 2 && drain.rejected.length === 1,
    );
    expect(drain.texts).toEqual(['<13>1 2026-01-01T00:00:00Z h app - - - multi\nline', '<14>grüße']);
    expect(drain.rejected[0]!.reason).toMatch(/longer than 100 bytes/);
    expect(drain.records[1]!.endOffset).toBe(stream.length);
    s.end();
  });

  it('TCP: connections beyond max_connections are refused and counted', async () => {
    const { source, drain, tcpPort } = await start({ maxConnections: 2, protocol: 'tcp' });
    const a = await tcp(tcpPort);
    const b = await tcp(tcpPort);
    const c = await tcp(tcpPort);
    const closed = new Promise((r) => c.once('close', r));
    c.on('error', () => {});
    await closed;
    await write(a, '<13>a\n');
    await write(b, '<13>b\n');
    await drain.waitFor('2 records', () => drain.records.length === 2);
    expect(source.stats()).toMatchObject({ refused: 1, connections: 2 });
    a.end();
    b.end();
  });

  it('backpressure: a slow pipeline pauses TCP senders, and nothing is lost', async () => {
    const { source, drain, tcpPort } = await start({ maxPending: 200, batchMaxRecords: 100 }, 20);
    const s = await tcp(tcpPort);
    const n = 5000;
    let data = '';
    for (let i = 0; i < n; i++) data += `<13>tcp message ${i}\n`;
    let held = 0;
    const sample = setInterval(() => {
      held = Math.max(held, source.stats().bytesBehind);
    }, 2);
    await write(s, data);
    s.end();
    await drain.waitFor(`${n} records`, () => drain.records.length === n, 30_000);
    clearInterval(sample);
    // Held in memory: at most max_pending records plus the one socket read that crossed it.
    expect(held).toBeLessThan(200 * 25 + 65_536);
    expect(drain.texts[n - 1]).toBe(`<13>tcp message ${n - 1}`);
    expect(Math.max(...drain.batches.map((b) => b.records.length))).toBeLessThanOrEqual(100);
  });

  it('backpressure: UDP cannot push back, so what does not fit is dropped and counted', async () => {
    const { source, drain, udpPort } = await start(
      { maxPending: 50, batchMaxRecords: 50, protocol: 'udp' },
      100,
    );
    const sent = 600;
    // Paced bursts: the kernel's socket buffer keeps up, the pipeline (500 records/s) does not.
    for (let i = 0; i < sent; i += 20) {
      await sendUdp(
        udpPort,
        Array.from({ length: 20 }, (_, j) => `<13>udp ${i + j}`),
      );
      await sleep(5);
    }
    const dropped = () => source.stats().dropped ?? 0;
    await drain.waitFor('every datagram accounted for', () => drain.records.length + dropped() === sent);
    expect(dropped()).toBeGreaterThan(0);
    expect(drain.records.length).toBeGreaterThanOrEqual(50);
  });
});
