// `mortar parse -c FILE -p PIPELINE [INPUT...]`: tries sample lines (files or stdin) against one
// pipeline's parsers and map before it goes live; prints one JSON object per record: the event,
// or the dead letter with its reason. Exit 1 when any record became a dead letter.
import { readFileSync } from 'node:fs';
import { loadConfig } from '../../config/load.ts';
import { UserError } from '../../events/errors.ts';
import { nowUs, usToIso } from '../../events/time.ts';
import { buildPipelines } from '../../pipeline/build.ts';
import { frameText } from '../../pipeline/frame-text.ts';
import { isDeadLetter } from '../../pipeline/processor.ts';
import { parseFlags } from '../args.ts';

const HELP = `usage: mortar parse -c FILE -p PIPELINE [INPUT...]

Reads lines from the INPUT files (or standard input), frames them as the pipeline does (lines or
multiline), runs its parsers and map, and prints one JSON object per record.`;

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
  const p = pipelines.find((x) => x.name === values.pipeline);
  if (!p) {
    throw new UserError('bad_request', `no pipeline "${values.pipeline ?? ''}"`, [
      {
        where: '--pipeline',
        message: 'unknown or missing',
        hint: `one of: ${pipelines.map((x) => x.name).join(', ')}`,
      },
    ]);
  }
  const text = positionals.length
    ? positionals.map((f) => readFileSync(f, 'utf8')).join('')
    : readFileSync(0, 'utf8');
  let dead = 0;
  const receivedAt = nowUs();
  for (const f of frameText(text, p.config.framing, p.config.source.max_line_bytes)) {
    const where = { file: 'input', fileId: 'input', offset: f.offset, endOffset: f.endOffset };
    const out =
      f.kind === 'record'
        ? p.processor.process({ ...where, text: f.text }, receivedAt)
        : p.processor.reject({ ...where, reason: f.reason, raw: f.raw }, receivedAt);
    if (isDeadLetter(out)) {
      dead++;
      console.log(
        JSON.stringify({
          dead_letter: { offset: out.offset, stage: out.stage, reason: out.reason, raw: out.raw },
        }),
      );
    } else {
      const { id: _id, receivedAt: _r, file: _f, ...shown } = out;
      console.log(JSON.stringify({ ...shown, ts: usToIso(out.ts) }));
    }
  }
  return dead > 0 ? 1 : 0;
}
