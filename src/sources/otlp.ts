// The `otlp` source: OpenTelemetry logs over OTLP/HTTP with the JSON encoding (`POST /v1/logs`,
// ExportLogsServiceRequest), so an OpenTelemetry Collector or SDK exporter can ship to Mortar.
// Each log record becomes one record whose text is a flat JSON object (net/otlp-logs.ts) for the
// `json` parser. Answered only after the rows are committed; OTLP carries no batch id, so the
// request's identity is a hash of its (decompressed) body: an exporter's retry sends the same
// body, yields the same event ids and, within `dedup_window`, is not stored twice. Protobuf
// bodies are answered 415 (set the exporter's encoding to json).
import { createHash } from 'node:crypto';
import { createHttpIntake, type Decoded, type HttpIntake, intakeSettings } from './net/http-intake.ts';
import { otlpLogTexts } from './net/otlp-logs.ts';
import type { SourcePosition } from './source.ts';

export interface OtlpOptions {
  pipeline: string;
  listen: string;
  path?: string;
  /** Bearer token the exporter must send (`headers: {Authorization: "Bearer ..."}`); none: open. */
  token?: string;
  maxBodyBytes?: number;
  maxLineBytes?: number;
  maxPending?: number;
  ackTimeoutMs?: number;
  dedupWindow?: number;
  positions?: SourcePosition[];
  batchMaxRecords?: number;
}

export const OTLP_FIELDS = ['_peer'];

/** gRPC status codes the OTLP Status body carries, by HTTP status. */
const GRPC_CODE: Record<number, number> = { 400: 3, 401: 16, 404: 5, 405: 12, 413: 8, 415: 12, 503: 14 };

export function createOtlpSource(o: OtlpOptions): HttpIntake {
  return createHttpIntake({
    ...intakeSettings(o, '/v1/logs'),
    what: 'otlp',
    decode: decodeOtlpBody,
    batchIdField: false,
    implicitBatchId: (body) => `otlp-${createHash('sha256').update(body).digest('hex').slice(0, 32)}`,
    // ExportLogsServiceResponse; records over max_line_bytes are dead letters, reported as rejected.
    okBody: (r) =>
      r.rejected
        ? {
            partialSuccess: {
              rejectedLogRecords: String(r.rejected),
              errorMessage: 'log records over max_line_bytes were kept as dead letters',
            },
          }
        : {},
    errorBody: (status, _code, message) => ({ code: GRPC_CODE[status] ?? 13, message }),
  });
}

export function decodeOtlpBody(body: Buffer, contentType: string): Decoded {
  const ct = contentType.trim().toLowerCase();
  if (ct.includes('protobuf'))
    return {
      status: 415,
      message:
        'OTLP protobuf is not supported; send JSON (Content-Type application/json), e.g. the collector otlphttp exporter with encoding: json',
    };
  if (ct !== '' && !ct.startsWith('application/json'))
    return { status: 415, message: `Content-Type "${contentType}" is not supported; send application/json` };
  let request: unknown;
  try {
    request = JSON.parse(body.toString('utf8'));
  } catch (e) {
    return { status: 400, message: `invalid JSON: ${(e as Error).message}` };
  }
  const texts = otlpLogTexts(request);
  return typeof texts === 'string' ? { status: 400, message: texts } : { texts };
}
