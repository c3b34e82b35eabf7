// `mortar patterns [--json] [FILE...]`: mines message templates from lines (files or stdin) with
// the same miner and defaults the warehouse uses. --json prints one {"id","template"} object per
// input line, in order, each with its cluster's final template (so lines are streamed through the
// miner and only their ids are kept until the end); otherwise a summary of the top templates.
import { accessSync, constants, createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { UserError } from '../../events/errors.ts';
import { PatternMiner } from '../../process/patterns/miner.ts';
import { intFlag, parseFlags } from '../args.ts';

const HELP = `usage: mortar patterns [--json] [--top N] [FILE...]

Reads messages, one per line, from the FILEs (or standard input) and mines their templates
(variable parts masked and generalised to <*>).
  --json    one JSON object {"id", "template"} per input line, in input order
  --top N   without --json: how many of the most frequent templates to list (default 20)`;

function inputs(files: string[]): Readable[] {
  if (files.length === 0) return [process.stdin];
  for (const f of files) {
    try {
      accessSync(f, constants.R_OK);
    } catch (e) {
      throw new UserError('bad_request', `cannot read ${f}: ${(e as Error).message}`, [
        { where: f, message: 'not readable', hint: 'give existing text files, or pipe lines on stdin' },
      ]);
    }
  }
  return files.map((f) => createReadStream(f, { encoding: 'utf8' }));
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    { json: { type: 'boolean', default: false }, top: { type: 'string' } },
    HELP,
  );
  const top = intFlag('top', values.top as string | undefined, 20, 1);
  const miner = new PatternMiner();
  const ids: string[] = [];
  for (const input of inputs(positionals)) {
    for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
      ids.push(miner.add(line).id);
    }
  }
  if (values.json) {
    const templates = new Map(miner.clusters().map((c) => [c.id, c.tokens.join(' ')]));
    const out = ids.map((id) => JSON.stringify({ id, template: templates.get(id) ?? miner.template(id) }));
    process.stdout.write(out.length ? `${out.join('\n')}\n` : '');
    return 0;
  }
  const ranked = miner.clusters().sort((a, b) => b.count - a.count || (a.id < b.id ? -1 : 1));
  const width = String(ranked[0]?.count ?? 0).length;
  console.log(`${ids.length} messages, ${ranked.length} templates, ${miner.overflow} overflow`);
  for (const c of ranked.slice(0, top)) {
    console.log(`${String(c.count).padStart(width)}  ${c.id}  ${c.tokens.join(' ')}`);
  }
  return 0;
}
