// The `poll` source: GETs an HTTP(S) status endpoint every `interval` and records its CHANGES,
// which is how state that a subsystem only shows for the moment is kept. The body is normalised
// (JSON: keys sorted, compact; text: line ends and trailing blanks) and a record is emitted when
// it differs from the last one emitted, ignoring `ignore_fields` / `ignore_pattern` (clocks,
// uptimes), plus a heartbeat record every `heartbeat` without change. The last emitted state
// survives restarts as this source's position (`checksum`: a hash of the compared form; `offset`:
// records emitted so far), committed in the same transaction as the record, so a restart neither
// repeats nor misses a change. Timeouts, connection errors and HTTP errors become dead letters with the reason, one
// per failed poll, so an unreachable status page is visible; nothing throws.
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { nowUs } from '../events/time.ts';
import type { RejectedRecord, Source, SourceBatch, SourcePosition, SourceStats } from './source.ts';

export interface PollOptions {
  pipeline: string;
  url: string;
  intervalMs: number;
  timeoutMs?: number;
  /** Emit the current state after this long without a change; 0: never. */
  heartbeatMs?: number;
  headers?: Record<string, string>;
  /** JSON fields (`a.b` reaches into objects) left out when comparing. */
  ignoreFields?: string[];
  /** Text matching this is blanked out when comparing. */
  ignorePattern?: RegExp;
  /** Longest body; a longer one is a dead letter. */
  maxLineBytes?: number;
  positions?: SourcePosition[];
}

/** Fields every poll record carries: why it was emitted (change | heartbeat). */
export const POLL_FIELDS = ['_poll'];

const REJECTED_HEAD = 1024;

export function createPollSource(options: PollOptions): Source {
  return new PollSource(options);
}

type Fetched = { status: number; body: string; contentType: string } | { error: string; raw: string };

class PollSource implements Source {
  readonly #o: PollOptions;
  readonly #fileId: string;
  /** Hash of the last state emitted (committed or on its way), and how many records were emitted. */
  #last: string | undefined;
  #emitted = 0;
  #running = false;
  #bytesRead = 0;

  constructor(o: PollOptions) {
    this.#o = o;
    this.#fileId = `poll:${o.url}`;
    const p = o.positions?.find((x) => x.fileId === this.#fileId);
    this.#last = p?.checksum;
    this.#emitted = p?.offset ?? 0;
  }

  stats(): SourceStats {
    return { filesOpen: 0, filesKnown: 0, bytesRead: this.#bytesRead, bytesBehind: 0 };
  }

  async *batches(signal: AbortSignal): AsyncGenerator<SourceBatch> {
    if (this.#running) throw new Error('poll source: batches() is already running');
    this.#running = true;
    let lastEmitMs = Date.now();
    try {
      while (!signal.aborted) {
        const started = Date.now();
        const at = nowUs();
        const got = await this.#fetch(signal);
        if (signal.aborted) break;
        const where = { file: this.#o.url, fileId: this.#fileId, offset: at, endOffset: at };
        if ('error' in got) {
          const rejected: RejectedRecord = {
            ...where,
            reason: `GET ${this.#o.url}: ${got.error}`,
            raw: got.raw,
          };
          yield { records: [], rejected: [rejected], positions: [] };
        } else {
          const { text, compared } = normalise(got.body, got.contentType, this.#o);
          const hash = stateHash(compared);
          const heartbeat = (this.#o.heartbeatMs ?? 0) > 0 && Date.now() - lastEmitMs >= this.#o.heartbeatMs!;
          if (hash !== this.#last || heartbeat) {
            const why = hash !== this.#last ? 'change' : 'heartbeat';
            const meta = { _poll: why };
            const position: SourcePosition = {
              pipeline: this.#o.pipeline,
              fileId: this.#fileId,
              path: this.#o.url,
              offset: ++this.#emitted,
              checksum: hash,
            };
            this.#last = hash;
            lastEmitMs = Date.now();
            yield { records: [{ ...where, text, meta }], rejected: [], positions: [position] };
          }
        }
        const wait = started + this.#o.intervalMs - Date.now();
        if (wait > 0) await sleep(wait, undefined, { signal }).catch(() => {});
      }
    } finally {
      this.#running = false;
    }
  }

  async #fetch(signal: AbortSignal): Promise<Fetched> {
    const timeoutMs = this.#o.timeoutMs ?? 5000;
    const max = this.#o.maxLineBytes ?? 1_048_576;
    try {
      const res = await fetch(this.#o.url, {
        headers: this.#o.headers,
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
      });
      const body = await readCapped(res, max);
      this.#bytesRead += body.bytes;
      if (body.text === undefined)
        return { error: `body longer than ${max} bytes (max_line_bytes)`, raw: '' };
      if (!res.ok)
        return {
          error: `HTTP ${res.status} ${res.statusText}`.trim(),
          raw: body.text.slice(0, REJECTED_HEAD),
        };
      return { status: res.status, body: body.text, contentType: res.headers.get('content-type') ?? '' };
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      if (err.name === 'TimeoutError')
        return { error: `no answer within ${timeoutMs} ms (timeout)`, raw: '' };
      const cause = err.cause?.code ?? err.cause?.message;
      return { error: cause ? `${err.message} (${cause})` : err.message, raw: '' };
    }
  }
}

/** The body as text, or text undefined once it passes `max` bytes (reading stops there). */
async function readCapped(res: Response, max: number): Promise<{ text?: string; bytes: number }> {
  if (!res.body) return { text: '', bytes: 0 };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.length;
    if (bytes > max) {
      await reader.cancel().catch(() => {});
      return { bytes };
    }
    chunks.push(value);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), bytes };
}

/** The record text and the form compared with the last state. */
export function normalise(
  body: string,
  contentType: string,
  o: Pick<PollOptions, 'ignoreFields' | 'ignorePattern'>,
): { text: string; compared: string } {
  const trimmed = body.trim();
  if (/json/i.test(contentType) || /^[[{]/.test(trimmed)) {
    try {
      const value = JSON.parse(trimmed) as unknown;
      const text = canonicalJson(value);
      let compared = text;
      if (o.ignoreFields?.length) {
        const copy = JSON.parse(text) as unknown;
        for (const f of o.ignoreFields) deletePath(copy, f.split('.'));
        compared = canonicalJson(copy);
      }
      return { text, compared: applyPattern(compared, o.ignorePattern) };
    } catch {
      // Not JSON after all: compared as text.
    }
  }
  const text = body
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .replace(/^\n+|\n+$/g, '');
  return { text, compared: applyPattern(text, o.ignorePattern) };
}

const applyPattern = (s: string, rx: RegExp | undefined): string =>
  rx ? s.replace(new RegExp(rx.source, rx.flags.includes('g') ? rx.flags : `${rx.flags}g`), '') : s;

/** JSON with object keys sorted at every level: key order does not make a change. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

function deletePath(v: unknown, path: string[]): void {
  if (v === null || typeof v !== 'object') return;
  if (Array.isArray(v)) {
    for (const item of v) deletePath(item, path);
    return;
  }
  const o = v as Record<string, unknown>;
  const [head, ...rest] = path;
  if (head === undefined) return;
  // A key that literally contains the dots wins, as in map's field names.
  const literal = path.join('.');
  if (rest.length > 0 && literal in o) delete o[literal];
  else if (rest.length === 0) delete o[head];
  else deletePath(o[head], rest);
}

export const stateHash = (s: string): string => `sha256:${createHash('sha256').update(s).digest('hex')}`;
