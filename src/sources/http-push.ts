// The `http` source: subsystems push batches of records with `POST <path>` on a listener of its
// own. Body: NDJSON or plain text (one record per line), or with `Content-Type: application/json`
// a JSON array whose strings are records as they are and whose objects are re-serialised to JSON
// text (for the `json` parser); gzip/deflate bodies are accepted. A bearer token is required.
// The answer 200 comes only after the batch's rows are committed. The batch id (header
// `Idempotency-Key` or query `batch_id`) and the record's index are its position: a retried batch
// yields the same event ids, and a retry of one of the last `dedup_window` batches is not stored
// again. Without a batch id each request is a new batch (at least once, duplicates possible).

import { createHttpIntake, type Decoded, type HttpIntake, intakeSettings } from './net/http-intake.ts';
import type { SourcePosition } from './source.ts';

export interface HttpPushOptions {
  pipeline: string;
  /** `host:port` of the listener (its own, not the API server's). */
  listen: string;
  path?: string;
  /** Bearer token every request must carry. */
  token: string;
  maxBodyBytes?: number;
  maxLineBytes?: number;
  /** Records accepted but not yet committed beyond which requests are answered 503 + Retry-After. */
  maxPending?: number;
  /** How long a request waits for its commit before it is answered 503 (retry with the same batch id). */
  ackTimeoutMs?: number;
  /** Committed batch ids remembered across restarts, so their retries are not stored twice; 0: none. */
  dedupWindow?: number;
  /** Committed positions of this pipeline (the remembered batch ids). */
  positions?: SourcePosition[];
  batchMaxRecords?: number;
}

/** Fields every pushed record carries for parsers and map. */
export const HTTP_PUSH_FIELDS = ['_peer', '_batch_id'];

export function createHttpPushSource(o: HttpPushOptions): HttpIntake {
  return createHttpIntake({
    ...intakeSettings(o, '/ingest'),
    what: 'http',
    decode: decodePushBody,
    batchIdField: true,
    okBody: (r) => ({
      batch_id: r.batchId,
      records: r.records,
      rejected: r.rejected,
      duplicate: r.duplicate,
    }),
    errorBody: (_status, code, message) => ({ error: { code, message } }),
  });
}

/** A push body -> record texts: a JSON array (application/json) or one record per line. */
export function decodePushBody(body: Buffer, contentType: string): Decoded {
  let text = body.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (/^application\/json\b/i.test(contentType.trim())) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      return {
        status: 400,
        message: `invalid JSON (${(e as Error).message}); send a JSON array, or one record per line with Content-Type application/x-ndjson`,
      };
    }
    const items = Array.isArray(value) ? value : [value];
    return { texts: items.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))) };
  }
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return { texts: lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)) };
}
