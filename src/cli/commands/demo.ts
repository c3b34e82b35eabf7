// `mortar demo [--port N] [--data DIR] [--rate R]`: the simulated security installation writing its
// log files in real time, the demo configuration's pipelines reading them, the warehouse and the
// web UI, in one process. Restarting with the same --data resumes without loss or duplicates.
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../config/load.ts';
import { UserError } from '../../events/errors.ts';
import { parseScenarios, planScenarios, SCENARIO_HELP } from '../../sim/scenarios.ts';
import { simulate } from '../../sim/simulate.ts';
import { intFlag, parseFlags } from '../args.ts';
import { ensureDemoUsers, withDemoSignIn } from '../demo-users.ts';
import { runServer, untilSignal } from '../run-server.ts';

export const DEMO_CONFIG = fileURLToPath(new URL('../../../config/demo/mortar.yaml', import.meta.url));

const HELP = `usage: mortar demo [--port N] [--host HOST] [--data DIR] [--rate R] [--seed N] [--rotate-bytes N]
                   [--scenario LIST] [--sign-in]

Starts the demo: simulator (writing into DIR/sim), pipelines, warehouse (DIR/mortar.duckdb) and
the web UI. Defaults: --port 8080, --host 127.0.0.1, --data ./data, --rate 2 alarms/s; the
simulator rotates its files at --rotate-bytes (default 1 MiB) and keeps --keep-rotated old
files (default 5). --sign-in turns access control on with three demo users (admin; operator, who
sees the north half only; analyst, who sees operator names masked), their random passwords kept
per data directory and printed at start (MORTAR_DEMO_PASSWORD sets all three). --scenario adds
faults, timed from the start (the truth is DIR/sim/truth.jsonl):
${SCENARIO_HELP}`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    {
      port: { type: 'string', short: 'p' },
      host: { type: 'string', default: '127.0.0.1' },
      data: { type: 'string', default: './data' },
      rate: { type: 'string', default: '2' },
      seed: { type: 'string', default: '1' },
      'rotate-bytes': { type: 'string' },
      'keep-rotated': { type: 'string' },
      scenario: { type: 'string' },
      'sign-in': { type: 'boolean', default: false },
    },
    HELP,
  );
  const scenarios = values.scenario as string | undefined;
  // A bad scenario stops the demo before it starts, not the simulator after.
  if (scenarios !== undefined) planScenarios(parseScenarios(scenarios), { startUs: 0 });
  const loaded = loadConfig(DEMO_CONFIG, { dataDir: values.data as string });
  const signIn = values['sign-in'] === true;
  const config = signIn ? withDemoSignIn(loaded) : loaded;
  const users = signIn ? await ensureDemoUsers(config) : [];
  const rate = Number(values.rate);
  if (!(rate > 0 && rate <= 10_000))
    throw new UserError(
      'bad_request',
      `--rate must be a number of alarms per second from 0 to 10000, not "${values.rate}"`,
    );
  const stopSim = new AbortController();
  const sim = simulate({
    outDir: `${config.dataDir}/sim`,
    seed: intFlag('seed', values.seed as string, 1),
    ratePerSecond: rate,
    mode: 'realtime',
    scenarios,
    rotateBytes:
      values['rotate-bytes'] === undefined
        ? undefined
        : intFlag('rotate-bytes', values['rotate-bytes'] as string, 0, 1024),
    keepRotated:
      values['keep-rotated'] === undefined
        ? undefined
        : intFlag('keep-rotated', values['keep-rotated'] as string, 0, 0, 10_000),
    signal: stopSim.signal,
  });
  sim.catch((e: unknown) => console.error(`simulator stopped: ${String(e)}`));
  const server = await runServer(config, {
    port: intFlag('port', values.port as string | undefined, 8080, 0, 65535),
    host: values.host as string,
  });
  console.log(`Mortar demo is running: ${server.url}  (data: ${config.dataDir}; Ctrl-C stops)`);
  if (users.length)
    console.log(
      `sign in as:\n${users.map((u) => `  ${u.name.padEnd(9)} ${u.password}  (${u.role})`).join('\n')}${
        process.env.MORTAR_DEMO_PASSWORD === undefined
          ? `\n(passwords kept in ${config.dataDir}/demo-users.json)`
          : ''
      }`,
    );
  await untilSignal();
  console.error('stopping: simulator, then committing what was read ...');
  stopSim.abort();
  await sim.catch(() => undefined);
  await server.drain(15_000);
  await server.stop();
  console.error('stopped');
  return 0;
}
