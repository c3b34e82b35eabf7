// The long-running part shared by `serve` and `demo`: warehouse + ingest + HTTP server, with a
// clean shutdown on SIGINT/SIGTERM (stop reading, commit what was read, close the warehouse).
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { LiveTotals } from '../api/live.ts';
import { createApp } from '../api/server.ts';
import type { Config } from '../config/load.ts';
import { waitUntilIdle } from '../pipeline/idle.ts';
import { startIngest } from '../pipeline/ingest.ts';
import { defineFlows } from '../process/flows/definition.ts';
import { startFlowRunner } from '../process/flows/flow-runner.ts';
import { defineHealth } from '../process/health/definition.ts';
import { startHealthRunner } from '../process/health/health-runner.ts';
import { openWarehouse } from '../warehouse/open.ts';
import { VERSION } from './version.ts';

export const WEB_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

export interface RunningServer {
  url: string;
  /** Waits (at most `timeoutMs`) until every source has read its files to the end and all is committed. */
  drain(timeoutMs: number): Promise<boolean>;
  stop(): Promise<void>;
}

export async function runServer(
  config: Config,
  opts: { port: number; host: string; log?: (s: string) => void },
): Promise<RunningServer> {
  const log = opts.log ?? ((s: string) => console.error(s));
  const warehouse = await openWarehouse({
    type: 'duckdb',
    path: `${config.dataDir}/${config.warehouse.path}`,
  });
  const live = await LiveTotals.seed(warehouse);
  const ingest = await startIngest(config, warehouse);
  ingest.events.on('commit', (b) => live.add(b));
  ingest.events.on('error', (e) => log(`ingest: commit failed, will retry: ${String(e)}`));
  ingest.done.catch((e) => log(`ingest stopped with an error: ${String(e)}`));
  const flows = defineFlows(config);
  const subsystemOf = Object.fromEntries(
    Object.entries(config.pipelines).map(([name, p]) => [name, p.subsystem]),
  );
  const flowRunner = startFlowRunner(warehouse, flows, {
    lagging: () =>
      Object.entries(ingest.status().pipelines)
        .filter(([, p]) => p.bytesBehind > 0)
        .map(([name]) => subsystemOf[name]!),
    onError: (e) => log(`flows: processing failed, will retry: ${String(e)}`),
  });
  const health = defineHealth(config);
  const healthRunner =
    health &&
    startHealthRunner(warehouse, health, {
      lagging: () =>
        Object.entries(ingest.status().pipelines)
          .filter(([, p]) => p.bytesBehind > 0)
          .map(([name]) => subsystemOf[name]!),
      onError: (e) => log(`health: processing failed, will retry: ${String(e)}`),
    });
  const app = createApp({
    config,
    warehouse,
    live,
    ingest,
    flows,
    flowRunner,
    health,
    version: VERSION,
    webDir: WEB_DIR,
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolveServer, reject) => {
    const s = serve({ fetch: app.fetch, port: opts.port, hostname: opts.host }, () => resolveServer(s));
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const shownHost = opts.host === '0.0.0.0' || opts.host === '::' ? 'localhost' : opts.host;
  let stopping: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${port}/`,
    drain: (timeoutMs) => waitUntilIdle(ingest, { pollMs: 100, quietPolls: 1, timeoutMs }),
    stop: () => {
      stopping ??= (async () => {
        server.close();
        // SSE streams keep sockets open; don't let them hold the shutdown.
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        await ingest.stop().catch((e) => log(`ingest: ${String(e)}`));
        await flowRunner.stop();
        await healthRunner?.stop();
        await warehouse.close();
      })();
      return stopping;
    },
  };
}

/** Resolves on the first SIGINT or SIGTERM; a second one exits at once. */
export function untilSignal(): Promise<string> {
  return new Promise((resolveSignal) => {
    const handler = (sig: string) => {
      process.off('SIGINT', handler).off('SIGTERM', handler);
      process.once('SIGINT', () => process.exit(130)).once('SIGTERM', () => process.exit(143));
      resolveSignal(sig);
    };
    process.on('SIGINT', handler).on('SIGTERM', handler);
  });
}
