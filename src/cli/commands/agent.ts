// `mortar agent -c agent.yaml [--once] [--data DIR]`: runs the configuration's pipelines on this
// host and ships their events and dead letters to the Mortar servers of its `agent` section,
// through the disk buffer (see src/agent/). --once reads every file to its end, ships everything
// and exits (backfills, tests). Counters are logged every status.log_interval and, with
// status.listen, served as JSON at /status.
import { startAgent, statusLine } from '../../agent/agent.ts';
import { agentSettings } from '../../agent/settings.ts';
import { serveStatus } from '../../agent/status-server.ts';
import { loadConfig } from '../../config/load.ts';
import { UserError } from '../../events/errors.ts';
import { waitUntilIdle } from '../../pipeline/idle.ts';
import { parseFlags } from '../args.ts';
import { untilSignal } from '../run-server.ts';

const HELP = `usage: mortar agent -c FILE [--once] [--data DIR]

Runs the pipelines of the configuration here and ships events and dead letters to the Mortar
servers listed in its agent section, through a disk buffer that survives restarts and outages.
--once reads every file to its end, ships everything and exits.`;

/** How long a stop may take to move the last rows into the buffer (a full buffer may never free). */
const STOP_GRACE_MS = 10_000;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    {
      config: { type: 'string', short: 'c', default: 'agent.yaml' },
      once: { type: 'boolean', default: false },
      data: { type: 'string' },
    },
    HELP,
  );
  const config = loadConfig(values.config as string, { dataDir: values.data as string | undefined });
  if (Object.keys(config.pipelines).length === 0)
    throw new UserError(
      'bad_request',
      `${values.config} declares no pipelines; the agent has nothing to ship`,
    );
  const settings = agentSettings(config);
  const log = (s: string) => console.error(`[${new Date().toISOString()}] ${s}`);
  const agent = await startAgent(config, settings, log);
  log(
    `agent ${settings.id}: shipping to ${settings.servers.join(', ')} (buffer ${settings.buffer.dir}, stream ${agent.buffer.stream})`,
  );
  const ticker = setInterval(() => log(statusLine(agent.status())), settings.status.logIntervalMs);
  const statusServer = settings.status.listen && (await serveStatus(agent.status, settings.status.listen));
  try {
    if (values.once) {
      await waitUntilIdle(agent.ingest);
      await agent.ingest.stop();
      await agent.drained();
      await agent.stop();
    } else {
      await Promise.race([untilSignal(), agent.ingest.done]);
      const stopped = await Promise.race([
        agent.stop().then(() => true),
        new Promise<false>((r) => setTimeout(() => r(false), STOP_GRACE_MS).unref()),
      ]);
      if (!stopped) {
        // The pipelines still wait for room in the buffer; their rows were never acknowledged, so
        // leaving now loses nothing: the next start reads them again.
        log(
          'stopped without moving the last rows into the buffer (it stays full): they are read again at the next start',
        );
        process.exit(0);
      }
    }
  } finally {
    clearInterval(ticker);
    statusServer?.close();
  }
  log(statusLine(agent.status()));
  return 0;
}
