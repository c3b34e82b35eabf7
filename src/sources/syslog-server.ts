// The `syslog` source: a syslog receiver on UDP (one datagram = one message, RFC 5426) and/or
// TCP (RFC 6587: octet counting or one message per line, detected per connection). Records are
// the messages as sent, for the `syslog` parser; the sender's address is the field `_peer`.
// Backpressure: while the pipeline is behind, TCP sockets are paused (the sender's writes block);
// UDP cannot push back, so datagrams that arrive while the queue is full are dropped and counted
// (`dropped`, which on Linux also counts what the kernel dropped while the process was busy). Nothing to resume from after a restart: no positions; ids are unique per run.
import { randomBytes } from 'node:crypto';
import { createSocket, type RemoteInfo } from 'node:dgram';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { parseListen, peerAddress, whenListening } from './net/address.ts';
import { BatchQueue, drainQueue } from './net/batch-queue.ts';
import {
  oversizeMessage,
  REJECTED_HEAD_BYTES,
  SyslogStreamFramer,
  trimTrailer,
} from './net/syslog-framer.ts';
import { kernelUdpDrops } from './net/udp-drops.ts';
import type { RawRecord, RejectedRecord, Source, SourceBatch, SourceStats } from './source.ts';

export interface SyslogServerOptions {
  pipeline: string;
  /** `host:port`; UDP and TCP bind the same port. */
  listen: string;
  protocol?: 'udp' | 'tcp' | 'both';
  /** Longest message; longer ones become dead letters. */
  maxLineBytes?: number;
  /** TCP connections beyond this are refused (counted). */
  maxConnections?: number;
  /** Records held for the pipeline before TCP pauses its sockets and UDP drops. */
  maxPending?: number;
  batchMaxRecords?: number;
  /** SO_RCVBUF of the UDP socket: the kernel's buffer for bursts. */
  receiveBufferBytes?: number;
}

/** Fields every syslog record carries for parsers and map. */
export const SYSLOG_FIELDS = ['_peer'];

export interface SyslogServer extends Source {
  /** The bound addresses, once batches() has started listening. */
  readonly listening: Promise<{ udp?: AddressInfo; tcp?: AddressInfo }>;
}

export function createSyslogServerSource(options: SyslogServerOptions): SyslogServer {
  return new SyslogServerSource({
    protocol: 'udp',
    maxLineBytes: 65_536,
    maxConnections: 256,
    maxPending: 50_000,
    batchMaxRecords: 20_000,
    receiveBufferBytes: 0,
    ...options,
  });
}

class SyslogServerSource implements SyslogServer {
  readonly #o: Required<SyslogServerOptions>;
  readonly #queue: BatchQueue;
  readonly #runId = randomBytes(6).toString('hex');
  /** Open TCP connections and how to finish each (flush what its framer holds). */
  readonly #sockets = new Map<Socket, () => void>();
  readonly #framers = new Set<SyslogStreamFramer>();
  #connections = 0;
  #paused = false;
  #running = false;
  #bytesRead = 0;
  #udpBytes = 0;
  #dropped = 0;
  /** Reads the kernel's drop count of the UDP socket (relative to when it was bound). */
  #kernelDrops: (() => number) | undefined;
  #refused = 0;
  #emptyLines = 0;
  readonly listening: Promise<{ udp?: AddressInfo; tcp?: AddressInfo }>;
  #resolveListening!: (a: { udp?: AddressInfo; tcp?: AddressInfo }) => void;

  constructor(options: Required<SyslogServerOptions>) {
    this.#o = options;
    this.#queue = new BatchQueue(options.batchMaxRecords, () => this.#maybeResume());
    this.listening = new Promise((r) => {
      this.#resolveListening = r;
    });
  }

  stats(): SourceStats {
    let emptyLines = this.#emptyLines;
    for (const f of this.#framers) emptyLines += f.emptyLines;
    return {
      filesOpen: 0,
      filesKnown: 0,
      bytesRead: this.#bytesRead,
      bytesBehind: this.#queue.bytes,
      emptyLines,
      connections: this.#sockets.size,
      dropped: this.#dropped + (this.#kernelDrops?.() ?? 0),
      refused: this.#refused,
    };
  }

  async *batches(signal: AbortSignal): AsyncGenerator<SourceBatch> {
    if (this.#running) throw new Error('syslog source: batches() is already running');
    this.#running = true;
    const listen = parseListen(this.#o.listen);
    if (!listen)
      throw new Error(`syslog source: listen "${this.#o.listen}" passed validation but is malformed`);
    const closers: (() => void)[] = [];
    const stop = () => {
      for (const c of closers.splice(0)) c();
    };
    try {
      const bound: { udp?: AddressInfo; tcp?: AddressInfo } = {};
      if (this.#o.protocol !== 'tcp') bound.udp = await this.#startUdp(listen, closers);
      if (this.#o.protocol !== 'udp') bound.tcp = await this.#startTcp(listen, closers);
      this.#resolveListening(bound);
      signal.addEventListener('abort', stop, { once: true });
      yield* drainQueue(this.#queue, signal);
    } finally {
      signal.removeEventListener('abort', stop);
      stop();
      this.#running = false;
    }
  }

  async #startUdp(listen: { host: string; port: number }, closers: (() => void)[]): Promise<AddressInfo> {
    const socket = createSocket({ type: listen.host.includes(':') ? 'udp6' : 'udp4' });
    const ready = whenListening(socket, 'syslog (udp)', this.#o.listen);
    socket.bind(listen.port, listen.host);
    const address = await ready;
    if (this.#o.receiveBufferBytes > 0) socket.setRecvBufferSize(this.#o.receiveBufferBytes);
    const ipv6 = address.family === 'IPv6';
    const base = kernelUdpDrops(address.port, ipv6) ?? 0;
    let last = 0;
    let readAt = 0;
    this.#kernelDrops = () => {
      // /proc/net/udp lists every socket of the host: read it at most once a second.
      if (Date.now() - readAt > 1000) {
        readAt = Date.now();
        last = Math.max(last, (kernelUdpDrops(address.port, ipv6) ?? base) - base);
      }
      return last;
    };
    const file = `udp://${this.#o.listen}`;
    const fileId = `${file}#${this.#runId}`;
    socket.on('message', (msg: Buffer, rinfo: RemoteInfo) => this.#datagram(msg, rinfo, file, fileId));
    // After binding, errors (ICMP port unreachable and the like) concern single datagrams.
    socket.on('error', () => {});
    closers.push(() => socket.close());
    return address;
  }

  #datagram(msg: Buffer, rinfo: RemoteInfo, file: string, fileId: string): void {
    this.#bytesRead += msg.length;
    if (this.#queue.size >= this.#o.maxPending) {
      this.#dropped++;
      return;
    }
    const offset = this.#udpBytes;
    this.#udpBytes += msg.length;
    const endOffset = this.#udpBytes;
    const peer = peerAddress(rinfo.address);
    if (msg.length > this.#o.maxLineBytes) {
      const rejected: RejectedRecord = {
        file,
        fileId,
        offset,
        endOffset,
        reason: `${oversizeMessage(this.#o.maxLineBytes)} (from ${peer})`,
        raw: msg.subarray(0, REJECTED_HEAD_BYTES).toString('utf8'),
      };
      this.#queue.pushOne({ rejected }, msg.length);
      return;
    }
    const text = trimTrailer(msg.toString('utf8'));
    if (text.length === 0) {
      this.#emptyLines++;
      return;
    }
    const meta = { _peer: peer };
    this.#queue.pushOne({ record: { text, file, fileId, offset, endOffset, meta } }, msg.length);
  }

  async #startTcp(listen: { host: string; port: number }, closers: (() => void)[]): Promise<AddressInfo> {
    const server: Server = createServer((socket) => this.#connection(socket));
    server.maxConnections = this.#o.maxConnections;
    server.on('drop', () => this.#refused++);
    const ready = whenListening(server, 'syslog (tcp)', this.#o.listen);
    server.listen(listen.port, listen.host);
    const address = await ready;
    closers.push(() => {
      server.close();
      // Closed now, while the queue still takes what their framers hold.
      for (const [socket, finish] of this.#sockets) {
        socket.destroy();
        finish();
      }
    });
    return address;
  }

  #connection(socket: Socket): void {
    const file = `tcp://${this.#o.listen}`;
    const fileId = `${file}#${this.#runId}.${++this.#connections}`;
    const peer = peerAddress(socket.remoteAddress);
    const meta = { _peer: peer };
    const framer = new SyslogStreamFramer(this.#o.maxLineBytes);
    const sink = {
      record: (text: string, offset: number, endOffset: number) => {
        const record: RawRecord = { text, file, fileId, offset, endOffset, meta };
        this.#queue.pushOne({ record }, endOffset - offset);
      },
      reject: (reason: string, raw: string, offset: number, endOffset: number) => {
        const rejected = { file, fileId, offset, endOffset, reason: `${reason} (from ${peer})`, raw };
        this.#queue.pushOne({ rejected }, endOffset - offset);
      },
    };
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      framer.end(sink);
      this.#sockets.delete(socket);
      this.#framers.delete(framer);
      this.#emptyLines += framer.emptyLines;
    };
    this.#sockets.set(socket, finish);
    this.#framers.add(framer);
    socket.setKeepAlive(true, 60_000);
    if (this.#paused) socket.pause();
    socket.on('data', (chunk: Buffer) => {
      this.#bytesRead += chunk.length;
      if (!framer.push(chunk, sink)) socket.destroy();
      if (this.#queue.size >= this.#o.maxPending) this.#pause();
    });
    socket.on('error', () => {});
    socket.on('close', finish);
  }

  #pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    for (const s of this.#sockets.keys()) s.pause();
  }

  #maybeResume(): void {
    if (!this.#paused || this.#queue.size >= this.#o.maxPending / 2) return;
    this.#paused = false;
    for (const s of this.#sockets.keys()) s.resume();
  }
}
