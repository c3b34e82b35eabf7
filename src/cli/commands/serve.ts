// `mortar serve -c FILE [--port N] [--host H] [--data DIR]`: pipelines + warehouse + API + web UI.
import { loadConfig } from '../../config/load.ts';
import { intFlag, parseFlags } from '../args.ts';
import { runServer, untilSignal } from '../run-server.ts';

const HELP = `usage: mortar serve -c FILE [--port N] [--host HOST] [--data DIR]

Runs every pipeline of the configuration into its warehouse and serves the API and the web UI.
--port/--host/--data override server.port, server.host and data_dir of the configuration.`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    {
      config: { type: 'string', short: 'c', default: 'mortar.yaml' },
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      data: { type: 'string' },
    },
    HELP,
  );
  const config = loadConfig(values.config as string, { dataDir: values.data as string | undefined });
  const server = await runServer(config, {
    port: intFlag('port', values.port as string | undefined, config.server.port, 0, 65535),
    host: (values.host as string | undefined) ?? config.server.host,
  });
  console.log(`Mortar is serving ${server.url}  (data: ${config.dataDir}; Ctrl-C stops)`);
  await untilSignal();
  console.error('stopping: committing what was read ...');
  await server.stop();
  console.error('stopped');
  return 0;
}
