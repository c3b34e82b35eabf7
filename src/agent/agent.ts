// Agent mode: the configuration's pipelines run here (the same startIngest as the server) into
// the disk buffer through a Warehouse-shaped sink, and the shipper sends the buffer to the Mortar
// servers. Counters: buffer (bytes, records, drops), shipping (records, events, retries, last
// error) and lag (age of the oldest unshipped record).
import type { Config } from '../config/load.ts';
import { type Ingest, type IngestStatus, startIngest } from '../pipeline/ingest.ts';
import { bufferSink } from './buffer-sink.ts';
import { DiskBuffer, type DiskBufferStats } from './disk-buffer.ts';
import type { AgentSettings } from './settings.ts';
import { Shipper, type ShipperStats } from './shipper.ts';

export interface AgentStatus {
  agent: string;
  buffer: DiskBufferStats;
  shipping: ShipperStats;
  /** Seconds since the oldest unshipped record was buffered (0 when all is shipped). */
  lagSeconds: number;
  pipelines: IngestStatus['pipelines'];
}

export interface RunningAgent {
  readonly buffer: DiskBuffer;
  readonly ingest: Ingest;
  status(): AgentStatus;
  /** Resolves when everything buffered so far has been shipped. */
  drained(): Promise<void>;
  /** Stops the pipelines (their last rows go to the buffer), then the shipper. */
  stop(): Promise<void>;
}

export async function startAgent(
  config: Config,
  settings: AgentSettings,
  log: (line: string) => void = (s) => console.error(s),
): Promise<RunningAgent> {
  const buffer = await DiskBuffer.open(settings.buffer.dir, { ...settings.buffer, log });
  const shipper = new Shipper(buffer, {
    agent: settings.id,
    servers: settings.servers,
    balance: settings.balance,
    token: settings.token,
    compression: settings.compression,
    batchBytes: settings.batchBytes,
    timeoutMs: settings.timeoutMs,
    retryMaxMs: settings.retryMaxMs,
    ...(settings.ca ? { ca: settings.ca } : {}),
    insecureSkipVerify: settings.insecureSkipVerify,
    log,
  });
  const stopShipping = new AbortController();
  const shipping = shipper.run(stopShipping.signal);
  const ingest = await startIngest(config, bufferSink(buffer));
  ingest.events.on('error', (e) => log(`buffer: commit failed, will retry: ${String(e)}`));
  const status = (): AgentStatus => {
    const b = buffer.stats();
    return {
      agent: settings.id,
      buffer: b,
      shipping: { ...shipper.stats },
      lagSeconds:
        b.oldestUnshippedAt === undefined ? 0 : Math.max(0, (Date.now() - b.oldestUnshippedAt) / 1000),
      pipelines: ingest.status().pipelines,
    };
  };
  return {
    buffer,
    ingest,
    status,
    async drained() {
      while (buffer.unshippedBytes() > 0) await new Promise((r) => setTimeout(r, 100));
    },
    async stop() {
      await ingest.stop();
      stopShipping.abort();
      await shipping;
      await buffer.close();
    },
  };
}

/** One log line of the counters. */
export function statusLine(s: AgentStatus): string {
  const read = Object.values(s.pipelines).reduce((a, p) => a + p.read, 0);
  return [
    `agent ${s.agent}: read ${read}`,
    `shipped ${s.shipping.shippedEvents} events (${s.shipping.shippedRecords} records, ${s.shipping.duplicateRecords} repeats)`,
    `buffer ${s.buffer.unshippedRecords} records / ${s.buffer.unshippedBytes} bytes unshipped, ${s.buffer.diskBytes} on disk`,
    `lag ${s.lagSeconds.toFixed(1)} s`,
    `retries ${s.shipping.retries}`,
    `dropped ${s.buffer.dropped.events} events`,
    ...(s.shipping.lastError ? [`last error at ${s.shipping.lastErrorAt}`] : []),
  ].join(', ');
}
