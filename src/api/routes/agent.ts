// The agents' intake: `POST /api/agent/batches` (permission ingest) takes a batch of buffer
// records from one agent's stream and stores their rows AND the stream's sequence number in ONE
// warehouse commit (the positions table: pipeline `agent:<id>`, file_id = stream, offset = seq).
// A record whose seq is not above the stored one was stored before (the agent retried after a lost
// answer): it is acknowledged without being inserted again. Requests of one stream are serialised.

import { promisify } from 'node:util';
import { gunzip as gunzipCb } from 'node:zlib';
import type { Hono } from 'hono';
import { type ErrorDetail, UserError } from '../../events/errors.ts';
import { type DeadLetter, KINDS, type MortarEvent, SEVERITIES } from '../../events/event.ts';
import type { CommitBatch, Warehouse } from '../../warehouse/warehouse.ts';

const gunzip = promisify(gunzipCb);

/** Largest accepted body, after decompression. */
const MAX_BODY_BYTES = 256 * 1024 * 1024;

export interface AgentBatchAnswer {
  /** The stream's stored sequence number after this request. */
  acked: number;
  /** Records stored by this request. */
  stored: number;
  /** Records the warehouse already had (not stored again). */
  duplicates: number;
}

interface AgentRecord {
  seq: number;
  events: MortarEvent[];
  deadLetters: DeadLetter[];
}

export function agentRoutes(
  app: Hono,
  deps: { warehouse: Warehouse; onCommit?: (batch: CommitBatch) => void },
): void {
  const locks = new Map<string, Promise<unknown>>();
  app.post('/api/agent/batches', async (c) => {
    const raw = Buffer.from(await c.req.arrayBuffer());
    const encoding = c.req.header('content-encoding');
    let text: string;
    try {
      text = (encoding === 'gzip' ? await gunzip(raw, { maxOutputLength: MAX_BODY_BYTES }) : raw).toString();
    } catch (e) {
      throw bad(
        'body',
        `cannot decompress the body: ${(e as Error).message}`,
        'send gzip with content-encoding: gzip, or plain JSON',
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw bad('body', 'the body is not JSON', 'send {"agent", "stream", "records": [...]}');
    }
    const { agent, stream, records } = validate(body);
    const pipeline = `agent:${agent}`;
    const lockKey = `${agent}\0${stream}`;
    const run = (locks.get(lockKey) ?? Promise.resolve()).then(async () => {
      const stored = (await deps.warehouse.positions(pipeline)).find((p) => p.fileId === stream)?.offset ?? 0;
      const fresh = records.filter((r) => r.seq > stored);
      const last = records[records.length - 1]!.seq;
      if (fresh.length > 0) {
        const batch: CommitBatch = {
          events: fresh.flatMap((r) => r.events),
          deadLetters: fresh.flatMap((r) => r.deadLetters),
          positions: [{ pipeline, fileId: stream, path: `agent://${agent}/${stream}`, offset: last }],
        };
        await deps.warehouse.commit(batch);
        deps.onCommit?.(batch);
      }
      const answer: AgentBatchAnswer = {
        acked: Math.max(stored, last),
        stored: fresh.length,
        duplicates: records.length - fresh.length,
      };
      return answer;
    });
    const settled = run.catch(() => {});
    locks.set(lockKey, settled);
    void settled.then(() => {
      if (locks.get(lockKey) === settled) locks.delete(lockKey);
    });
    return c.json(await run);
  });
}

function bad(where: string, message: string, hint?: string): UserError {
  return new UserError('bad_request', message, [{ where, message, ...(hint ? { hint } : {}) }]);
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const STREAM = /^[A-Za-z0-9_.:-]{1,100}$/;

const EVENT_FIELDS: Record<string, 'string' | 'number' | 'object'> = {
  id: 'string',
  ts: 'number',
  receivedAt: 'number',
  subsystem: 'string',
  component: 'string',
  source: 'string',
  kind: 'string',
  type: 'string',
  severity: 'string',
  keys: 'object',
  attrs: 'object',
  message: 'string',
  raw: 'string',
  pipeline: 'string',
  file: 'string',
  offset: 'number',
};
const DEAD_LETTER_FIELDS: Record<string, 'string' | 'number'> = {
  id: 'string',
  receivedAt: 'number',
  source: 'string',
  stage: 'string',
  reason: 'string',
  raw: 'string',
  pipeline: 'string',
  file: 'string',
  offset: 'number',
};

/** Checks the whole body and reports the first problems with their paths. */
function validate(body: unknown): { agent: string; stream: string; records: AgentRecord[] } {
  const errors: ErrorDetail[] = [];
  const fail = (where: string, message: string) => {
    if (errors.length < 10) errors.push({ where, message });
  };
  if (!isObj(body)) throw bad('body', 'expected a JSON object {"agent", "stream", "records"}');
  const { agent, stream, records } = body;
  if (typeof agent !== 'string' || !/^[a-z][a-z0-9_-]*$/.test(agent))
    fail('agent', 'expected the agent id (a lower-case name)');
  if (typeof stream !== 'string' || !STREAM.test(stream)) fail('stream', 'expected the stream id');
  if (!Array.isArray(records) || records.length === 0) fail('records', 'expected a non-empty array');
  else {
    let prev = 0;
    for (const [i, r] of records.entries()) {
      if (!isObj(r) || !Number.isSafeInteger(r.seq) || (r.seq as number) <= prev) {
        fail(`records[${i}].seq`, 'expected increasing positive integer sequence numbers');
        continue;
      }
      prev = r.seq as number;
      if (!Array.isArray(r.events)) fail(`records[${i}].events`, 'expected an array');
      else
        for (const [j, e] of r.events.entries())
          checkRow(e, EVENT_FIELDS, `records[${i}].events[${j}]`, fail, true);
      if (!Array.isArray(r.deadLetters)) fail(`records[${i}].deadLetters`, 'expected an array');
      else
        for (const [j, d] of r.deadLetters.entries())
          checkRow(d, DEAD_LETTER_FIELDS, `records[${i}].deadLetters[${j}]`, fail, false);
    }
  }
  if (errors.length > 0)
    throw new UserError(
      'bad_request',
      `the agent batch is invalid (${errors.length}${errors.length === 10 ? '+' : ''} problems)`,
      errors,
    );
  return { agent: agent as string, stream: stream as string, records: records as AgentRecord[] };
}

function checkRow(
  row: unknown,
  fields: Record<string, string>,
  where: string,
  fail: (where: string, message: string) => void,
  event: boolean,
): void {
  if (!isObj(row)) {
    fail(where, 'expected an object');
    return;
  }
  for (const [name, type] of Object.entries(fields)) {
    const v = row[name];
    const ok = type === 'object' ? isObj(v) : type === 'number' ? Number.isFinite(v) : typeof v === 'string';
    if (!ok) fail(`${where}.${name}`, `expected a ${type}`);
  }
  if (event && !(KINDS as readonly unknown[]).includes(row.kind))
    fail(`${where}.kind`, `expected one of ${KINDS.join(', ')}`);
  if (event && !(SEVERITIES as readonly unknown[]).includes(row.severity))
    fail(`${where}.severity`, `expected one of ${SEVERITIES.join(', ')}`);
}
