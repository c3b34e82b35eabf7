// `mortar schema [--out FILE]`: the JSON Schema of mortar.yaml, generated from the zod schema so
// editors (YAML language server) can autocomplete and check configurations.
import { writeFileSync } from 'node:fs';
import { configJsonSchema } from '../../config/json-schema.ts';
import { parseFlags } from '../args.ts';

const HELP = `usage: mortar schema [--out FILE]

Prints (or writes) the JSON Schema of the configuration. In an editor with the YAML language
server, put "# yaml-language-server: $schema=./mortar.schema.json" on top of mortar.yaml.`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { out: { type: 'string', short: 'o' } }, HELP);
  const text = `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
  if (values.out) writeFileSync(values.out as string, text);
  else process.stdout.write(text);
  return 0;
}
