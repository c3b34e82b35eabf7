// Generates docs/configuration.md from the configuration's zod schema (through its JSON Schema):
// every option of every section with its type, default and meaning, plus the hand-written
// examples of examples.ts and the preset list. Run after changing the schema:
//   npx tsx scripts/docs/config-reference.ts
// test/docs/configuration.test.ts fails while the committed file differs from this output.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configJsonSchema } from '../../src/config/json-schema.ts';
import { PRESETS } from '../../src/parsers/presets/index.ts';
import { EXAMPLES } from './examples.ts';

export const DOC_PATH = fileURLToPath(new URL('../../docs/configuration.md', import.meta.url));

type Node = Record<string, unknown> & {
  type?: string | string[];
  properties?: Record<string, Node>;
  additionalProperties?: Node | boolean;
  items?: Node;
  oneOf?: Node[];
  anyOf?: Node[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  description?: string;
  pattern?: string;
  $ref?: string;
  required?: string[];
};

export interface Row {
  path: string;
  type: string;
  default: string;
  required: boolean;
  description: string;
}

/** Meanings of options the schema leaves undescribed, by their last path segments. */
const FALLBACK: Record<string, string> = {
  type: 'Selects this kind of component.',
  description: 'Free text for people; shown in the UI.',
  host: 'Address the API and web UI listen on (0.0.0.0 for every interface).',
  port: 'TCP port of the API and web UI (0: any free port).',
  path: 'File or URL path, as the section says.',
  url: 'Where the server is reached (http:// or https://).',
  exclude: 'Glob patterns of files never read, even when include matches them.',
  max_lines: 'Most lines joined into one record; the record is emitted when it is reached.',
  max_line_bytes: 'Longest line in bytes; longer ones become dead letters (counted, never held whole).',
  keep: 'Keep only records matching this condition.',
  drop: 'Drop records matching this condition.',
  subsystems: 'Per subsystem (by name).',
  rules: 'Rules, in order.',
  flapping: 'Marks a component flapping when its state changes too often.',
  name: 'Name, lower case (letters, digits, - and _).',
  username: 'User to log in as.',
  server: 'The HTTP server of the API and the web UI.',
  ingest: 'How read records are parsed and batched into commits.',
  pipelines: 'Pipelines by name: source, framing, parsers, transforms, map.',
  'match.subsystem': 'Subsystem(s) the event must belong to.',
  'match.component': 'Component(s) the event must come from.',
  'match.kind': 'Kind(s): log, alert, status, metric, audit.',
  'match.type': 'Event type(s), e.g. alarm.raised.',
};

function fallback(path: string): string {
  const parts = path.replace(/\[\]|<name>\./g, '').split('.');
  return FALLBACK[parts.slice(-2).join('.')] ?? FALLBACK[parts.at(-1)!] ?? '';
}

let defs: Record<string, Node> = {};
const resolve = (n: Node): Node => (n.$ref ? (defs[n.$ref.replace('#/$defs/', '')] ?? {}) : n);
const variants = (n: Node): Node[] => (n.oneOf ?? n.anyOf ?? []).map(resolve);
const isObject = (n: Node) => n.type === 'object' && n.properties !== undefined;
const isMap = (n: Node) =>
  n.type === 'object' && n.properties === undefined && typeof n.additionalProperties === 'object';

export function typeOf(raw: Node): string {
  const n = resolve(raw);
  if (n.const !== undefined) return `\`${JSON.stringify(n.const)}\``;
  if (n.enum) return n.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  const vs = variants(n);
  if (vs.length > 0) return [...new Set(vs.map(typeOf))].join(' or ');
  if (Array.isArray(n.type)) return n.type.join(' or ');
  switch (n.type) {
    case 'string':
      return n.pattern?.includes('ms|s|m|h|d') ? 'duration' : 'string';
    case 'array':
      return `list of ${n.items ? typeOf(n.items) : 'any'}`;
    case 'object':
      if (isMap(n)) return `map of name → ${typeOf(n.additionalProperties as Node)}`;
      return 'object';
    default:
      return n.type ?? 'condition';
  }
}

/**
 * One row per option of an object, nested objects flattened into dotted paths; the object forms
 * of a union (`preset: {name, timezone}`, conditions) too, each schema node once per table (the
 * condition schema is recursive).
 */
export function rowsOf(raw: Node, prefix = '', unions = true, seen = new Set<Node>()): Row[] {
  const n = resolve(raw);
  if (seen.has(n)) return [];
  seen.add(n);
  const rows: Row[] = [];
  for (const [key, child0] of Object.entries(n.properties ?? {})) {
    const child = resolve(child0);
    const path = prefix + key;
    rows.push({
      path,
      type: typeOf(child),
      default: child.default === undefined ? '' : `\`${JSON.stringify(child.default)}\``,
      required: (n.required ?? []).includes(key) && child.default === undefined,
      description: (child.description ?? fallback(path)).replace(/\|/g, '\\|').replace(/\n/g, ' '),
    });
    const nested = (x: Node, p: string) => rows.push(...rowsOf(x, p, unions, seen));
    if (isObject(child)) nested(child, `${path}.`);
    else if (isMap(child) && isObject(resolve(child.additionalProperties as Node)))
      nested(child.additionalProperties as Node, `${path}.<name>.`);
    else if (child.type === 'array' && child.items && isObject(resolve(child.items)))
      nested(child.items, `${path}[].`);
    else if (unions && child.type === 'array' && child.items)
      for (const v of variants(resolve(child.items)).filter(isObject)) nested(v, `${path}[].`);
    else if (unions) for (const v of variants(child).filter(isObject)) nested(v, `${path}.`);
  }
  return rows;
}

function table(rows: Row[]): string {
  if (rows.length === 0) return '_No options._\n';
  const lines = ['| option | type | default | meaning |', '|---|---|---|---|'];
  for (const r of rows)
    lines.push(
      `| \`${r.path}\`${r.required ? ' (required)' : ''} | ${r.type} | ${r.default} | ${r.description} |`,
    );
  return `${lines.join('\n')}\n`;
}

const example = (id: string) =>
  EXAMPLES[id] === undefined ? '_No example yet._\n' : `Example:\n\n\`\`\`yaml\n${EXAMPLES[id]}\n\`\`\`\n`;

/** The variants of a discriminated union (sources, parsers, ...) by their `type` constant. */
function byType(n: Node): [string, Node][] {
  return variants(n).map((v) => [String(resolve(v.properties!.type!).const), v]);
}

function componentSection(title: string, kind: string, union: Node): string {
  const out = [`### ${title}\n`];
  for (const [type, v] of byType(union)) {
    out.push(
      `#### ${kind} \`${type}\`\n`,
      `${v.description ?? ''}\n`,
      table(rowsOf(v)),
      example(`${kind}.${type}`),
    );
  }
  return out.join('\n');
}

function presetType(t: unknown): string {
  if (typeof t === 'string') return `\`${t}\``;
  const v = t as { from: string; values?: Record<string, string>; default?: string };
  const names = [...new Set([...Object.values(v.values ?? {}), ...(v.default ? [v.default] : [])])];
  return names.length > 0 && names.length <= 4
    ? names.map((x) => `\`${x}\``).join(', ')
    : `from \`${v.from}\` (e.g. ${
        names
          .slice(0, 2)
          .map((x) => `\`${x}\``)
          .join(', ') || 'its value'
      })`;
}

function presetSection(presetNode: Node): string {
  const lines = [
    '### Presets\n',
    `${resolve(presetNode).description ?? ''} Write \`preset: NAME\`, or \`preset: {name: NAME, timezone: ZONE}\` for formats whose times carry no offset. The preset's parsers, map and framing are ordinary configuration (src/parsers/presets/); each is tested on logs written by the real program (scripts/presets/make-fixtures.sh).\n`,
    '| preset | timezone | framing | event type | keys | format |',
    '|---|---|---|---|---|---|',
  ];
  for (const [name, p] of Object.entries(PRESETS))
    lines.push(
      `| \`${name}\` | ${p.timezone === 'required' ? 'required' : 'not needed'} | ${p.framing?.type ?? 'lines'} | ${presetType(p.map.type)} | ${Object.keys(p.map.keys ?? {}).join(', ')} | ${p.description.replace(/\|/g, '\\|')} |`,
    );
  lines.push('', table(rowsOf({ type: 'object', properties: { preset: presetNode } })), example('preset'));
  return lines.join('\n');
}

const INTRO = `# Configuration reference

<!-- Generated by scripts/docs/config-reference.ts from the zod schema (src/config/schema.ts) and
     scripts/docs/examples.ts; edit those and run: npx tsx scripts/docs/config-reference.ts -->

Mortar reads one YAML file (\`mortar.yaml\`, passed with \`-c\`) and the files it includes. Every
file is checked against the schema below: unknown keys are errors, and \`mortar check -c FILE\`
reports every problem at once with file, line, path and a hint. \`mortar schema --out
mortar.schema.json\` writes the JSON Schema, so editors with the YAML language server complete
and check these options. Try a pipeline on sample lines before it goes live with
\`mortar parse -c FILE --pipeline NAME sample.log\`.

Conventions: a **duration** is a number followed by \`ms\`, \`s\`, \`m\`, \`h\` or \`d\` (\`250ms\`,
\`1m\`). A **zone** is an IANA name (\`Europe/Berlin\`) or \`UTC\`; a time format without an offset
needs one, Mortar never guesses. Names (subsystems, pipelines, flows, steps) are lower case:
letters, digits, \`-\` and \`_\`. Options not marked required may be left out; the default column
says what applies then.
`;

export function renderConfigReference(): string {
  const schema = configJsonSchema() as Node & { $defs?: Record<string, Node> };
  defs = schema.$defs ?? {};
  const top = schema.properties!;
  const pipeline = resolve(top.pipelines!.additionalProperties as Node);
  const pp = pipeline.properties!;
  const done = new Set(['$schema', 'pipelines']);
  const out: string[] = [INTRO];

  out.push('## Top level\n', table(shallowRows(top)));
  for (const key of ['warehouse', 'server', 'ingest']) {
    if (!top[key]) continue;
    done.add(key);
    out.push(`### \`${key}\`\n`, `${resolve(top[key]).description ?? ''}\n`, ...unionTables(top[key]));
  }
  done.add('include').add('data_dir');
  out.push(example('top'));

  out.push('## Subsystems and edges\n');
  for (const key of ['subsystems', 'edges']) {
    if (!top[key]) continue;
    done.add(key);
    out.push(table(rowsOf({ type: 'object', properties: { [key]: top[key] } })));
  }
  out.push(example('subsystems'));

  out.push(
    '## Pipelines\n',
    `\`pipelines: {NAME: PIPELINE}\`. ${pipeline.description ?? ''} A record flows source → framing → parsers → transforms → map; whatever fails becomes a dead letter with its reason.\n`,
    table(shallowRows(pp, pipeline.required)),
    'The preset (below) is expanded into framing, parsers and map; its object form is:\n',
    table(rowsOf({ type: 'object', properties: { preset: pp.preset ?? {} } }).slice(1)),
    example('pipeline'),
    componentSection('Sources', 'source', pp.source!),
    componentSection('Framing', 'framing', pp.framing!),
    componentSection('Parsers', 'parser', resolve(pp.parsers!).items!),
    componentSection('Transforms', 'transform', resolve(pp.transforms!).items!),
    '### Map\n',
    `${resolve(pp.map!).description ?? ''} A value is a literal, a \`{field}\` template, or a lookup \`{from, pattern, values, default}\`.\n`,
    table(rowsOf(pp.map!, 'map.', false)),
    'A lookup reads a parsed field, optionally translated through a table:\n',
    table(rowsOf(variants(resolve(resolve(pp.map!).properties!.type!)).find(isObject) ?? {})),
    example('map'),
  );
  if (pp.preset) out.push(presetSection(pp.preset));

  for (const [key, id] of [
    ['flows', 'flows'],
    ['health', 'health'],
  ] as const) {
    if (!top[key]) continue;
    done.add(key);
    out.push(`## ${key[0]!.toUpperCase()}${key.slice(1)}\n`, `${resolve(top[key]).description ?? ''}\n`);
    out.push(table(rowsOf({ type: 'object', properties: { [key]: top[key] } })), example(id));
  }
  const rest = Object.keys(top).filter((k) => !done.has(k));
  if (rest.length > 0) {
    out.push('## Other sections\n');
    for (const key of rest)
      out.push(
        `### \`${key}\`\n`,
        `${resolve(top[key]!).description ?? ''}\n`,
        table(rowsOf({ type: 'object', properties: { [key]: top[key]! } })),
        example(key),
      );
  }
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

/** A section that is one object, or one of several (by `type`): a table for each. */
function unionTables(n: Node): string[] {
  const vs = variants(resolve(n)).filter(isObject);
  if (vs.length === 0) return [table(rowsOf(n))];
  return vs.flatMap((v) => [
    `With \`type: ${String(resolve(v.properties!.type ?? {}).const ?? '?')}\`:\n`,
    table(rowsOf(v)),
  ]);
}

/** One row per key, without descending: the overview of a level whose parts have sections. */
function shallowRows(props: Record<string, Node>, required?: string[]): Row[] {
  return Object.entries(props)
    .filter(([k]) => k !== '$schema')
    .flatMap(([k, v]) => rowsOf({ type: 'object', required, properties: { [k]: v } }).slice(0, 1));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(DOC_PATH, renderConfigReference());
  console.log(`wrote ${DOC_PATH}`);
}
