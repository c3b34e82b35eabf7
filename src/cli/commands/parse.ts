// `mortar parse -c FILE [-p PIPELINE] [INPUT...]`: the onboarding tool. Runs sample lines (files
// or stdin) through one pipeline's framing, parsers and map without a warehouse: one JSON event
// per record on stdout, dead letters (with their reasons) as JSON lines on stderr. Exit 0 when it
// ran, whatever it rejected; a summary line on stderr counts both. Parsing runs in worker threads
// under `ingest.record_budget`: a runaway pattern's record is a `regex_timeout` dead letter.
import { readFileSync } from 'node:fs';
import { loadConfig } from '../../config/load.ts';
import { UserError } from '../../events/errors.ts';
import { usToIso } from '../../events/time.ts';
import { buildPipelines } from '../../pipeline/build.ts';
import { tryParsePool, tryPipeline } from '../../pipeline/try.ts';
import { parseFlags } from '../args.ts';

const HELP = `usage: mortar parse -c FILE [-p PIPELINE] [INPUT...]

Reads lines from the INPUT files (or standard input), frames them as the pipeline does (lines or
multiline), runs its parsers and map, prints one JSON event per record on stdout and each dead
letter as a JSON line on stderr. --pipeline may be left out when the configuration has one.`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    {
      config: { type: 'string', short: 'c', default: 'mortar.yaml' },
      pipeline: { type: 'string', short: 'p' },
    },
    HELP,
  );
  const config = loadConfig(values.config as string);
  const pipelines = buildPipelines(config);
  const p =
    values.pipeline === undefined && pipelines.length === 1
      ? pipelines[0]
      : pipelines.find((x) => x.name === values.pipeline);
  if (!p) {
    throw new UserError('bad_request', `no pipeline "${values.pipeline ?? ''}"`, [
      {
        where: '--pipeline',
        message:
          values.pipeline === undefined ? 'required: the configuration has several pipelines' : 'unknown',
        hint: `one of: ${pipelines.map((x) => x.name).join(', ')}`,
      },
    ]);
  }
  const text = positionals.length
    ? positionals.map((f) => readFileSync(f, 'utf8')).join('')
    : readFileSync(0, 'utf8');
  let dead = 0;
  let events = 0;
  let filtered = 0;
  for (const out of await tryPipeline(p, text, tryParsePool(config))) {
    if (out.kind === 'filtered') filtered++;
    else if (out.kind === 'dead') {
      dead++;
      const { offset, stage, reason, raw } = out.dead;
      process.stderr.write(`${JSON.stringify({ dead_letter: { offset, stage, reason, raw } })}\n`);
    } else {
      events++;
      const { id: _id, receivedAt: _r, file: _f, ...shown } = out.event;
      process.stdout.write(`${JSON.stringify({ ...shown, ts: usToIso(out.event.ts) })}\n`);
    }
  }
  process.stderr.write(`${p.name}: ${events} events, ${dead} dead letters, ${filtered} filtered\n`);
  return 0;
}
