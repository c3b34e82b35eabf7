// The long-running part shared by `serve` and `demo`: warehouse + ingest + HTTP server, with a
// clean shutdown on SIGINT/SIGTERM (stop reading, commit what was read, close the warehouse).
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { AccessControl } from '../access/access-control.ts';
import { openAccessBackend } from '../access/open-access.ts';
import { accessSettings, accessStorePath } from '../access/settings.ts';
import { usersLeftBehind } from '../access/users-left-behind.ts';
import { LiveTotals } from '../api/live.ts';
import { createApp } from '../api/server.ts';
import { type Config, loadConfig } from '../config/load.ts';
import { watchConfig } from '../pipeline/config-watch.ts';
import { waitUntilIdle } from '../pipeline/idle.ts';
import { startIngest } from '../pipeline/ingest.ts';
import { startCatalogRunner } from '../process/catalog/catalog-runner.ts';
import { defineFlows } from '../process/flows/definition.ts';
import { startFlowRunner } from '../process/flows/flow-runner.ts';
import { defineHealth } from '../process/health/definition.ts';
import { startHealthRunner } from '../process/health/health-runner.ts';
import { processorLease } from '../process/lease.ts';
import { startLinkRunner } from '../process/links/link-runner.ts';
import { startPatternRunner } from '../process/patterns/pattern-runner.ts';
import { openWarehouse, warehouseOptionsFor } from '../warehouse/open.ts';
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
  const warehouse = await openWarehouse(warehouseOptionsFor(config));
  const live = await LiveTotals.seed(warehouse);
  const ingest = await startIngest(config, warehouse);
  ingest.events.on('commit', (b) => live.add(b));
  // A ClickHouse warehouse is shared: other servers commit rows this process never sees.
  const liveFollow =
    warehouse.dialect === 'clickhouse'
      ? live.follow(warehouse, (e) => log(`live totals: counting failed, will retry: ${String(e)}`))
      : undefined;
  ingest.events.on('error', (e) => log(`ingest: commit failed, will retry: ${String(e)}`));
  ingest.done.catch((e) => log(`ingest stopped with an error: ${String(e)}`));
  // Edits of the configuration files apply to the pipelines without a restart.
  const watcher = watchConfig({
    config,
    load: () => loadConfig(config.file, { dataDir: config.dataDir }),
    ingest,
    log,
  });
  const flows = defineFlows(config);
  const subsystemOf = Object.fromEntries(
    Object.entries(config.pipelines).map(([name, p]) => [name, p.subsystem]),
  );
  const lagging = () =>
    Object.entries(ingest.status().pipelines)
      .filter(([, p]) => p.bytesBehind > 0)
      .map(([name]) => subsystemOf[name]!);
  // Among servers sharing a ClickHouse only the lease holder runs the processors (lease.ts).
  const lease = processorLease(warehouse, {
    ttlMs: config.server.processorLeaseMs,
    renewMs: Math.max(100, Math.round(config.server.processorLeaseMs / 3)),
    onChange: (s) =>
      log(
        s.held
          ? 'processors: this server holds the processor lease and runs flows, health, patterns, the catalog and links'
          : `processors: standing by (the lease is held by ${s.holder ?? 'nobody'})`,
      ),
  });
  lease.keep();
  const gate = () => lease.held();
  const flowRunner = startFlowRunner(warehouse, flows, {
    gate,
    lagging,
    onError: (e) => log(`flows: processing failed, will retry: ${String(e)}`),
  });
  const health = defineHealth(config);
  const healthRunner = health
    ? startHealthRunner(warehouse, health, {
        gate,
        lagging,
        onError: (e) => log(`health: processing failed, will retry: ${String(e)}`),
      })
    : undefined;
  const patternRunner = startPatternRunner(warehouse, {
    gate,
    onError: (e) => log(`patterns: mining failed, will retry: ${String(e)}`),
  });
  const catalogRunner = startCatalogRunner(warehouse, {
    gate,
    onError: (e) => log(`catalog: processing failed, will retry: ${String(e)}`),
  });
  const linkRunner = startLinkRunner(warehouse, {
    gate,
    onError: (e) => log(`links: inference failed, will retry: ${String(e)}`),
  });
  const accessConfig = accessSettings(config);
  if (!accessConfig.enabled && !['127.0.0.1', '::1', 'localhost'].includes(opts.host))
    log(
      `warning: access control is off and the server listens on ${opts.host}: anyone who reaches it may do everything (set access.enabled: true and add users with "mortar user add")`,
    );
  // On ClickHouse users, sessions, tokens and the audit log are in the shared warehouse (every
  // server sees them); on DuckDB in the SQLite file beside it.
  const access = accessConfig.enabled
    ? new AccessControl(openAccessBackend(config, warehouse), accessConfig)
    : undefined;
  // The SQLite file of an embedded installation is not used here; `mortar migrate` moves its
  // users. Only users it holds that the warehouse lacks are worth a note (a switch without migrate).
  if (access && warehouse.dialect === 'clickhouse') {
    const storePath = accessStorePath(config);
    const left = await usersLeftBehind(storePath, access.store).catch(() => []);
    if (left.length > 0)
      log(
        `note: ${left.length} users of ${storePath} are not in the ClickHouse warehouse (${left.slice(0, 5).join(', ')}${left.length > 5 ? ', ...' : ''}): move them with "mortar migrate" run with the DuckDB configuration, or add them with "mortar user add"`,
      );
  }
  const app = createApp({
    config,
    warehouse,
    live,
    ingest,
    flows,
    flowRunner,
    lease,
    health,
    access,
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
        watcher.stop();
        await liveFollow?.stop();
        await ingest.stop().catch((e) => log(`ingest: ${String(e)}`));
        await flowRunner?.stop();
        await healthRunner?.stop();
        await patternRunner.stop();
        await catalogRunner.stop();
        await linkRunner.stop();
        // A clean stop hands the processors over at once instead of after the lease's expiry.
        await lease.release();
        await access?.store.close();
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
