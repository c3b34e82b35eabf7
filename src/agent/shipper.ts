// Ships the disk buffer's records to the Mortar servers: `POST /api/agent/batches` with a bearer
// token, the JSON body `{"agent", "stream", "records": [{"seq", "events", "deadLetters", ...}]}`
// gzip-compressed, over http or https (own CA, or no verification for tests). One request at a
// time, in sequence order; a record leaves the buffer only when a server answers that it stored it
// (or already had it: the server keeps each stream's last sequence number beside the rows). On
// failure it retries with backoff, moving to the next server; `round_robin` spreads requests.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import type { DiskBuffer } from './disk-buffer.ts';

const gzip = promisify(gzipCb);

export interface ShipperOptions {
  agent: string;
  servers: readonly string[];
  balance: 'failover' | 'round_robin';
  /** The current token (read again after the server refuses one). */
  token: () => string | undefined;
  compression: 'gzip' | 'none';
  batchBytes: number;
  timeoutMs: number;
  retryMaxMs: number;
  ca?: Buffer;
  insecureSkipVerify?: boolean;
  log: (line: string) => void;
}

export interface ShipperStats {
  requests: number;
  shippedRecords: number;
  shippedEvents: number;
  shippedDeadLetters: number;
  /** Records a server already had (a retry after a lost answer): acknowledged, not stored twice. */
  duplicateRecords: number;
  /** Failed requests (each is retried). */
  retries: number;
  server: string;
  lastError?: string;
  lastErrorAt?: string;
  lastShippedAt?: string;
}

interface Answer {
  acked: number;
  stored: number;
  duplicates: number;
}

class ShipError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export class Shipper {
  private index = 0;
  private backoffMs = 0;
  private lastLogged = { message: '', at: 0, repeats: 0 };
  readonly stats: ShipperStats;

  constructor(
    private readonly buffer: DiskBuffer,
    private readonly opts: ShipperOptions,
  ) {
    this.stats = {
      requests: 0,
      shippedRecords: 0,
      shippedEvents: 0,
      shippedDeadLetters: 0,
      duplicateRecords: 0,
      retries: 0,
      server: opts.servers[0]!,
    };
  }

  /** Ships until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const aborted = new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
    while (!signal.aborted) {
      await Promise.race([this.buffer.waitForData(), aborted]);
      if (signal.aborted) return;
      const batch = await this.buffer.read(this.opts.batchBytes);
      if (!batch) continue;
      const server = this.opts.servers[this.index % this.opts.servers.length]!;
      this.stats.server = server;
      try {
        const answer = await this.send(server, batch.records, signal);
        const last = batch.records[batch.records.length - 1]!.seq;
        if (!(answer.acked >= last))
          throw new ShipError(`${server} acknowledged sequence ${answer.acked}, expected ${last}`);
        await this.buffer.ack(batch.upTo, batch.records);
        this.stats.shippedRecords += batch.records.length;
        this.stats.duplicateRecords += answer.duplicates;
        for (const r of batch.records) {
          this.stats.shippedEvents += r.events;
          this.stats.shippedDeadLetters += r.deadLetters;
        }
        this.stats.lastShippedAt = new Date().toISOString();
        if (this.backoffMs > 0) this.opts.log(`shipping to ${server} works again`);
        this.backoffMs = 0;
        this.lastLogged.message = '';
        if (this.opts.balance === 'round_robin') this.index++;
      } catch (e) {
        this.buffer.release();
        if (signal.aborted) return;
        this.failed(server, e);
        this.index++;
        await sleep(this.backoffMs, signal);
      }
    }
  }

  private failed(server: string, e: unknown): void {
    this.stats.retries++;
    const status = e instanceof ShipError ? e.status : undefined;
    let message = `shipping to ${server} failed: ${e instanceof Error ? e.message : String(e)}`;
    if (status === 401 || status === 403)
      message += ` — the server refuses the agent's token: put a valid API token with permission "ingest" in agent.token_file or agent.token_env (create one with: mortar user token NAME --name AGENT --permission ingest); it is read again before the next try`;
    this.backoffMs = Math.min(this.opts.retryMaxMs, Math.max(200, this.backoffMs * 2));
    message += `; nothing is lost (the rows stay in the buffer), retrying in ${Math.round(this.backoffMs)} ms`;
    this.stats.lastError = message;
    this.stats.lastErrorAt = new Date().toISOString();
    // Log a new error at once, the same one again at most every 30 s.
    const now = Date.now();
    const core = message.replace(/retrying in \d+ ms/, '');
    if (core !== this.lastLogged.message || now - this.lastLogged.at > 30_000) {
      const repeats = this.lastLogged.repeats;
      this.opts.log(
        repeats > 0 && core === this.lastLogged.message ? `${message} (${repeats} more failures)` : message,
      );
      this.lastLogged = { message: core, at: now, repeats: 0 };
    } else this.lastLogged.repeats++;
  }

  private async send(
    server: string,
    records: readonly { body: Buffer }[],
    signal: AbortSignal,
  ): Promise<Answer> {
    const json = Buffer.concat([
      Buffer.from(
        `{"agent":${JSON.stringify(this.opts.agent)},"stream":${JSON.stringify(this.buffer.stream)},"records":[`,
      ),
      ...records.flatMap((r, i) => (i === 0 ? [r.body] : [Buffer.from(','), r.body])),
      Buffer.from(']}'),
    ]);
    const body = this.opts.compression === 'gzip' ? await gzip(json, { level: 1 }) : json;
    const url = new URL('api/agent/batches', server.endsWith('/') ? server : `${server}/`);
    const token = this.opts.token();
    const headers: Record<string, string | number> = {
      'content-type': 'application/json',
      'content-length': body.length,
      ...(this.opts.compression === 'gzip' ? { 'content-encoding': 'gzip' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    };
    this.stats.requests++;
    const res = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = request(
        url,
        {
          method: 'POST',
          headers,
          signal,
          timeout: this.opts.timeoutMs,
          ...(url.protocol === 'https:'
            ? { ca: this.opts.ca, rejectUnauthorized: !this.opts.insecureSkipVerify }
            : {}),
        },
        (response: IncomingMessage) => {
          const chunks: Buffer[] = [];
          response.on('data', (c: Buffer) => chunks.push(c));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
          );
          response.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.opts.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
    if (res.status !== 200) {
      let detail = res.text.slice(0, 300);
      try {
        detail = (JSON.parse(res.text) as { error: { message: string } }).error.message;
      } catch {}
      throw new ShipError(`HTTP ${res.status}: ${detail}`, res.status);
    }
    return JSON.parse(res.text) as Answer;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
