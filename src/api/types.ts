// Wire types of the HTTP API: the contract between the server (src/api) and the web app (web/),
// which imports these types and nothing else from src/. Times on the wire are ISO 8601 UTC strings.
import type { MortarEvent } from '../events/event.ts';

export interface HealthResponse {
  status: 'ok';
  version: string;
  uptimeSeconds: number;
  warehouse: { dialect: string; events: number; deadLetters: number };
}

export interface SubsystemInfo {
  name: string;
  description?: string;
  /** Declared in the configuration, observed in the data, or both. */
  declared: boolean;
  events: number;
}

export interface SubsystemsResponse {
  subsystems: SubsystemInfo[];
}

/** An event on the wire: as stored, with its times as ISO 8601 strings. */
export type EventRow = Omit<MortarEvent, 'ts' | 'receivedAt'> & { ts: string; receivedAt: string };

/** GET /api/events?from=ISO&to=ISO&subsystem=a,b&q=text&limit=50&offset=0 (newest first). */
export interface EventsResponse {
  total: number;
  limit: number;
  offset: number;
  rows: EventRow[];
}

/** GET /api/volume?from=ISO&to=ISO&bucket=SECONDS&subsystem=a,b&q=text: event counts per bucket and subsystem. */
export interface VolumeResponse {
  from: string;
  to: string;
  bucketSeconds: number;
  subsystems: string[];
  /** One entry per bucket start, oldest first, every bucket present (zero-filled). */
  points: { t: string; counts: Record<string, number> }[];
}

/** Payload of the SSE `ingest` event on GET /api/live, sent about once a second. */
export interface LiveIngest {
  /** Server time of this tick. */
  at: string;
  /** Events stored so far, per subsystem. */
  totals: Record<string, number>;
  /** Events stored since the previous tick, per subsystem. */
  delta: Record<string, number>;
  deadLetters: number;
}

/** Body of every error response. */
export interface ErrorResponse {
  error: { code: string; message: string; details?: { where: string; message: string; hint?: string }[] };
}
