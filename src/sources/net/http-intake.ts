// An HTTP listener that receives batches of records (POST, optionally gzip/deflate), shared by the
// `http` push source and `otlp`. Each request is one batch; it is answered 200 only after its
// rows are committed, so a client that retries whatever was not answered 200 loses nothing (at
// least once). A record's position is (batch id, index): a retried batch yields the same ids,
// and the batch ids committed last are remembered (BatchIds) so a retry is not stored twice.
// Backpressure: 503 with Retry-After while too many records wait for their commit.
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import type {
  RawRecord,
  RejectedRecord,
  Source,
  SourceBatch,
  SourcePosition,
  SourceStats,
} from '../source.ts';
import { parseListen, peerAddress, whenListening } from './address.ts';
import { BatchIds, type BatchOutcome } from './batch-ids.ts';
import { BatchQueue, drainQueue } from './batch-queue.ts';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

/** Bodies read at the same time; more concurrent requests are answered 503 (bounded memory). */
const MAX_CONCURRENT_BODIES = 16;
const MAX_BATCH_ID_LENGTH = 200;
const REJECTED_HEAD = 1024;

export type Decoded = { texts: (string | undefined)[] } | { status: 400 | 415; message: string };

export interface HttpIntakeOptions {
  pipeline: string;
  /** Names the source in messages: `http`, `otlp`. */
  what: string;
  listen: string;
  path: string;
  /** Bearer token every request must carry; undefined: no authentication. */
  token?: string;
  maxBodyBytes: number;
  maxLineBytes: number;
  /** Records accepted but not yet committed beyond which requests are answered 503. */
  maxPending: number;
  ackTimeoutMs: number;
  /** Committed batch ids remembered (also across restarts) to answer retries without storing twice. */
  dedupWindow: number;
  positions: SourcePosition[];
  batchMaxRecords: number;
  /** Body (decompressed) -> record texts (undefined entries are skipped: empty lines), or why not. */
  decode(body: Buffer, contentType: string): Decoded;
  /** Records carry the batch id as the field `_batch_id` (besides `_peer`). */
  batchIdField: boolean;
  /** Batch id for a request without one; undefined: a random id (its retry is then a new batch). */
  implicitBatchId?(body: Buffer): string | undefined;
  /** JSON answered with 200. */
  okBody(r: { batchId: string; duplicate: boolean } & Partial<BatchOutcome>): unknown;
  /** JSON answered with an error status. */
  errorBody(status: number, code: string, message: string): unknown;
}

/** What the `http` and `otlp` sources configure alike, as given in the configuration. */
export interface IntakeSettings {
  pipeline: string;
  listen: string;
  path?: string;
  token?: string;
  maxBodyBytes?: number;
  maxLineBytes?: number;
  maxPending?: number;
  ackTimeoutMs?: number;
  dedupWindow?: number;
  positions?: SourcePosition[];
  batchMaxRecords?: number;
}

/** The shared settings with their defaults applied (`path` defaults per source). */
export function intakeSettings(o: IntakeSettings, defaultPath: string) {
  return {
    pipeline: o.pipeline,
    listen: o.listen,
    path: o.path ?? defaultPath,
    token: o.token,
    maxBodyBytes: o.maxBodyBytes ?? 10 * 1024 * 1024,
    maxLineBytes: o.maxLineBytes ?? 1_048_576,
    maxPending: o.maxPending ?? 100_000,
    ackTimeoutMs: o.ackTimeoutMs ?? 30_000,
    dedupWindow: o.dedupWindow ?? 1000,
    positions: o.positions ?? [],
    batchMaxRecords: o.batchMaxRecords ?? 20_000,
  };
}

export interface HttpIntake extends Source {
  readonly listening: Promise<AddressInfo>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function createHttpIntake(options: HttpIntakeOptions): HttpIntake {
  return new Intake(options);
}

class Intake implements HttpIntake {
  readonly #o: HttpIntakeOptions;
  readonly #queue: BatchQueue;
  readonly #ids: BatchIds;
  readonly #tokenHash: Buffer | undefined;
  readonly #sockets = new Set<Socket>();
  readonly listening: Promise<AddressInfo>;
  #resolveListening!: (a: AddressInfo) => void;
  #running = false;
  #stopping = false;
  #uncommitted = 0;
  #reading = 0;
  #bytesRead = 0;
  #refused = 0;
  #emptyLines = 0;

  constructor(o: HttpIntakeOptions) {
    this.#o = o;
    this.#queue = new BatchQueue(o.batchMaxRecords);
    this.#ids = new BatchIds(o.pipeline, o.dedupWindow, o.positions);
    this.#tokenHash = o.token === undefined ? undefined : sha256(o.token);
    this.listening = new Promise((r) => {
      this.#resolveListening = r;
    });
  }

  stats(): SourceStats {
    return {
      filesOpen: 0,
      filesKnown: 0,
      bytesRead: this.#bytesRead,
      bytesBehind: this.#queue.bytes,
      emptyLines: this.#emptyLines,
      connections: this.#sockets.size,
      refused: this.#refused,
    };
  }

  async *batches(signal: AbortSignal): AsyncGenerator<SourceBatch> {
    if (this.#running) throw new Error(`${this.#o.what} source: batches() is already running`);
    this.#running = true;
    const listen = parseListen(this.#o.listen);
    if (!listen) throw new Error(`${this.#o.what} source: listen "${this.#o.listen}" is malformed`);
    const server: Server = createServer((req, res) => void this.#handle(req, res));
    server.on('connection', (s: Socket) => {
      this.#sockets.add(s);
      s.on('close', () => this.#sockets.delete(s));
    });
    const stop = () => {
      // New connections are refused; requests in progress finish (later batches get 503).
      this.#stopping = true;
      server.close();
      server.closeIdleConnections();
    };
    try {
      const ready = whenListening(server, `${this.#o.what} source`, this.#o.listen);
      server.listen(listen.port, listen.host);
      this.#resolveListening(await ready);
      signal.addEventListener('abort', stop, { once: true });
      yield* drainQueue(this.#queue, signal);
    } finally {
      signal.removeEventListener('abort', stop);
      stop();
      // Requests still waiting for their commit are answered by it (or their ack timeout).
      const waited = setTimeout(() => server.closeAllConnections(), this.#o.ackTimeoutMs + 1000);
      waited.unref();
      server.once('close', () => clearTimeout(waited));
      this.#running = false;
    }
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const result = await this.#accept(req);
      this.#send(res, 200, this.#o.okBody(result));
    } catch (e) {
      this.#refused++;
      if (res.destroyed) return;
      if (e instanceof HttpError) {
        this.#send(res, e.status, this.#o.errorBody(e.status, e.code, e.message), e.headers);
        return;
      }
      // A bug, not bad input: answered (retryable) rather than crashing the process.
      console.error(`[${this.#o.what} source] ${req.method} ${req.url} failed:`, e);
      this.#send(
        res,
        500,
        this.#o.errorBody(500, 'internal', 'internal error; the server log has the details'),
      );
    }
  }

  async #accept(
    req: IncomingMessage,
  ): Promise<{ batchId: string; duplicate: boolean } & Partial<BatchOutcome>> {
    const url = new URL(req.url ?? '/', 'http://intake');
    const o = this.#o;
    if (url.pathname !== o.path)
      throw new HttpError(404, 'not_found', `nothing at ${url.pathname}; POST to ${o.path}`);
    if (req.method !== 'POST') throw new HttpError(405, 'method_not_allowed', 'use POST', { Allow: 'POST' });
    if (!this.#authorised(req.headers.authorization))
      throw new HttpError(401, 'unauthorized', 'missing or wrong bearer token (Authorization: Bearer ...)', {
        'WWW-Authenticate': 'Bearer',
      });
    if (this.#queue.closed) throw busy('shutting down');
    if (this.#uncommitted >= o.maxPending) throw busy(`${this.#uncommitted} records wait for their commit`);
    if (this.#reading >= MAX_CONCURRENT_BODIES) throw busy('too many requests at once');
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > o.maxBodyBytes) throw tooLarge(o.maxBodyBytes);
    const raw = await this.#readBody(req);
    const body = await decompress(raw, String(req.headers['content-encoding'] ?? ''), o.maxBodyBytes);

    const given = header(req, 'idempotency-key') ?? url.searchParams.get('batch_id') ?? undefined;
    if (given !== undefined && (given.length === 0 || given.length > MAX_BATCH_ID_LENGTH))
      throw new HttpError(400, 'bad_request', `batch id must be 1 to ${MAX_BATCH_ID_LENGTH} characters`);
    const batchId = given ?? o.implicitBatchId?.(body) ?? randomUUID();
    if (this.#ids.isCommitted(batchId)) return { batchId, duplicate: true };
    const earlier = this.#ids.pending(batchId);
    if (earlier) return { batchId, duplicate: true, ...(await this.#awaitCommit(earlier)) };

    const decoded = o.decode(body, String(req.headers['content-type'] ?? ''));
    if ('status' in decoded)
      throw new HttpError(
        decoded.status,
        decoded.status === 415 ? 'unsupported_media_type' : 'bad_request',
        decoded.message,
      );
    const { records, rejected } = this.#records(
      decoded.texts,
      batchId,
      peerAddress(req.socket.remoteAddress),
    );
    const n = records.length + rejected.length;
    if (this.#uncommitted > 0 && this.#uncommitted + n > o.maxPending)
      throw busy(`${this.#uncommitted} records wait for their commit`);

    let settle!: (r: BatchOutcome | undefined) => void;
    const outcome = new Promise<BatchOutcome | undefined>((r) => {
      settle = r;
    });
    const { positions, committed } = this.#ids.begin(batchId, outcome);
    const pushed = this.#queue.push({
      records,
      rejected,
      positions,
      bytes: raw.length,
      onCommitted: () => {
        this.#uncommitted -= n;
        committed();
        settle({ records: records.length, rejected: rejected.length });
      },
    });
    if (!pushed) {
      settle(undefined);
      throw busy('shutting down');
    }
    this.#uncommitted += n;
    return { batchId, duplicate: false, ...(await this.#awaitCommit(outcome)) };
  }

  #authorised(authorization: string | undefined): boolean {
    if (!this.#tokenHash) return true;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    return m !== null && timingSafeEqual(sha256(m[1]!), this.#tokenHash);
  }

  async #readBody(req: IncomingMessage): Promise<Buffer> {
    this.#reading++;
    try {
      const chunks: Buffer[] = [];
      let n = 0;
      for await (const chunk of req as AsyncIterable<Buffer>) {
        n += chunk.length;
        this.#bytesRead += chunk.length;
        if (n > this.#o.maxBodyBytes) throw tooLarge(this.#o.maxBodyBytes);
        chunks.push(chunk);
      }
      return Buffer.concat(chunks, n);
    } catch (e) {
      if (e instanceof HttpError) throw e;
      throw new HttpError(400, 'bad_request', `request body could not be read: ${(e as Error).message}`);
    } finally {
      this.#reading--;
    }
  }

  #records(
    texts: (string | undefined)[],
    batchId: string,
    peer: string,
  ): { records: RawRecord[]; rejected: RejectedRecord[] } {
    const o = this.#o;
    const file = `${o.what}:${o.path}`;
    const fileId = `batch:${batchId}`;
    const meta: Record<string, string> = o.batchIdField
      ? { _peer: peer, _batch_id: batchId }
      : { _peer: peer };
    const records: RawRecord[] = [];
    const rejected: RejectedRecord[] = [];
    texts.forEach((text, i) => {
      if (text === undefined || text.length === 0) {
        this.#emptyLines++;
        return;
      }
      const where = { file, fileId, offset: i, endOffset: i + 1 };
      // UTF-8 needs at most 3 bytes per UTF-16 unit: measure only texts that might be too long.
      if (text.length * 3 > o.maxLineBytes && Buffer.byteLength(text) > o.maxLineBytes) {
        rejected.push({
          ...where,
          reason: `record longer than ${o.maxLineBytes} bytes (max_line_bytes); raise max_line_bytes or send smaller records`,
          raw: text.slice(0, REJECTED_HEAD),
        });
      } else records.push({ ...where, text, meta });
    });
    return { records, rejected };
  }

  async #awaitCommit(outcome: Promise<BatchOutcome | undefined>): Promise<BatchOutcome> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((r) => {
      timer = setTimeout(() => r('timeout'), this.#o.ackTimeoutMs);
    });
    const r = await Promise.race([outcome, timeout]).finally(() => clearTimeout(timer));
    if (r === 'timeout') throw busy('not committed in time; retry with the same batch id');
    if (r === undefined) throw busy('shutting down');
    return r;
  }

  #send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    // An unread body (413, 401 before reading) must not be parsed as the next request.
    // When stopping, too: a kept-alive connection would hold the process for its idle timeout.
    if (!res.req.readableEnded || this.#stopping) headers.Connection = 'close';
    res.writeHead(status, {
      'Content-Type': 'application/json',
      'Content-Length': String(Buffer.byteLength(text)),
      ...headers,
    });
    res.end(text);
  }
}

const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest();

const busy = (why: string) =>
  new HttpError(503, 'unavailable', `try again later: ${why}`, { 'Retry-After': '1' });

const tooLarge = (max: number) =>
  new HttpError(
    413,
    'too_large',
    `body over ${max} bytes (max_body_bytes, also after decompression); send smaller batches`,
  );

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

async function decompress(raw: Buffer, encoding: string, max: number): Promise<Buffer> {
  const enc = encoding.trim().toLowerCase();
  if (enc === '' || enc === 'identity') return raw;
  if (enc !== 'gzip' && enc !== 'x-gzip' && enc !== 'deflate')
    throw new HttpError(
      415,
      'unsupported_media_type',
      `Content-Encoding "${enc}" is not supported; use gzip or none`,
    );
  try {
    return await (enc === 'deflate' ? inflateAsync : gunzipAsync)(raw, { maxOutputLength: max });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(max);
    throw new HttpError(400, 'bad_request', `body is not valid ${enc}: ${(e as Error).message}`);
  }
}
