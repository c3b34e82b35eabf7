// `mortar` command-line entry: dispatches to one module per command and maps errors to exit
// codes: UserErrors print their message and hints (exit 2), anything else is a bug (exit 70).
import { isUserError } from '../events/errors.ts';

type Command = { summary: string; load: () => Promise<{ run: (argv: string[]) => Promise<number> }> };

const COMMANDS: Record<string, Command> = {
  demo: {
    summary: 'simulator + pipelines + warehouse + web UI in one process',
    load: () => import('./commands/demo.ts'),
  },
  serve: {
    summary: 'run the pipelines of a configuration and serve the API and web UI',
    load: () => import('./commands/serve.ts'),
  },
  ingest: {
    summary: 'run the pipelines without a server (--once: backfill to the end and exit)',
    load: () => import('./commands/ingest.ts'),
  },
  agent: {
    summary: 'run pipelines on this host and ship events to Mortar servers (disk-buffered)',
    load: () => import('./commands/agent.ts'),
  },
  reprocess: {
    summary: 'rebuild the derived tables (flows) from stored events for a window',
    load: () => import('./commands/reprocess.ts'),
  },
  check: {
    summary: 'validate a configuration and report every problem',
    load: () => import('./commands/check.ts'),
  },
  parse: {
    summary: 'run sample lines through a pipeline and print events or dead letters',
    load: () => import('./commands/parse.ts'),
  },
  'replay-dead-letters': {
    summary: 'run stored dead letters again through the fixed pipelines (--dry-run to count)',
    load: () => import('./commands/replay-dead-letters.ts'),
  },
  migrate: {
    summary: 'move an embedded (DuckDB) installation to ClickHouse (resumable)',
    load: () => import('./commands/migrate.ts'),
  },
  simulate: {
    summary: 'write the demo world’s log files (with ground truth)',
    load: () => import('./commands/simulate.ts'),
  },
  bench: {
    summary: 'run benchmark scenarios beside their references',
    load: () => import('./commands/bench.ts'),
  },
  patterns: {
    summary: 'mine message templates from lines (files or stdin)',
    load: () => import('./commands/patterns.ts'),
  },
  user: {
    summary: 'manage users, roles and API tokens (add, passwd, disable, list, token, ...)',
    load: () => import('./commands/user.ts'),
  },
  schema: {
    summary: 'print the JSON Schema of the configuration',
    load: () => import('./commands/schema.ts'),
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  return [
    'usage: mortar <command> [options]   (mortar <command> --help for its options)',
    '',
    ...Object.entries(COMMANDS).map(([k, c]) => `  ${k.padEnd(width)}  ${c.summary}`),
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`mortar: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    return await (await command.load()).run(rest);
  } catch (e) {
    if (isUserError(e)) {
      console.error(`mortar ${name}: ${e.render()}`);
      return 2;
    }
    console.error(`mortar ${name}: internal error (a bug; please report it):`, e);
    return 70;
  }
}

process.exitCode = await main(process.argv.slice(2));
