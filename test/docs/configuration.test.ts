// docs/configuration.md stays true: it is exactly what the generator makes of the current schema,
// it names every option the schema has (found here by walking the JSON Schema independently),
// every component type has an example, and every example is a configuration Mortar accepts.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DOC_PATH, renderConfigReference } from '../../scripts/docs/config-reference.ts';
import { EXAMPLES } from '../../scripts/docs/examples.ts';
import { configJsonSchema } from '../../src/config/json-schema.ts';
import { loadConfig } from '../../src/config/load.ts';
import { buildPipelines } from '../../src/pipeline/build.ts';

const doc = readFileSync(DOC_PATH, 'utf8');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Every property name anywhere in the schema, with the `type` constants of union variants. */
function optionNames(): { keys: Set<string>; types: Map<string, Set<string>> } {
  const schema = configJsonSchema() as Record<string, unknown>;
  const defs = (schema.$defs ?? {}) as Record<string, unknown>;
  const keys = new Set<string>();
  const types = new Map<string, Set<string>>();
  const seen = new Set<unknown>();
  const walk = (node: unknown, parent: string): void => {
    if (node === null || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    const n = node as Record<string, unknown>;
    if (typeof n.$ref === 'string') walk(defs[n.$ref.replace('#/$defs/', '')], parent);
    const props = n.properties as Record<string, Record<string, unknown>> | undefined;
    for (const [k, v] of Object.entries(props ?? {})) {
      if (k === '$schema') continue;
      keys.add(k);
      if (k === 'type' && v.const !== undefined) {
        if (!types.has(parent)) types.set(parent, new Set());
        types.get(parent)!.add(String(v.const));
      }
      walk(v, k);
    }
    for (const k of ['items', 'additionalProperties']) walk(n[k], parent);
    for (const k of ['oneOf', 'anyOf', 'allOf'])
      for (const v of (n[k] as unknown[] | undefined) ?? []) walk(v, parent);
  };
  walk(schema, '');
  return { keys, types };
}

describe('docs/configuration.md', () => {
  it('is what scripts/docs/config-reference.ts generates from the current schema', () => {
    const fresh = renderConfigReference();
    // On failure: npx tsx scripts/docs/config-reference.ts
    expect(doc === fresh, 'stale: run npx tsx scripts/docs/config-reference.ts').toBe(true);
  });

  it('names every option of the schema in its tables', () => {
    const { keys } = optionNames();
    expect(keys.size).toBeGreaterThan(150);
    const cells = new Set([...doc.matchAll(/^\| `([^`]+)`/gm)].flatMap((m) => m[1]!.split(/\.|\[\]|<name>/)));
    const missing = [...keys].filter((k) => !cells.has(k));
    expect(missing).toEqual([]);
  });

  it('has a section and an example for every source, framing, parser and transform type', () => {
    const { types } = optionNames();
    for (const [kind, parent] of [
      ['source', 'source'],
      ['framing', 'framing'],
      ['parser', 'parsers'],
      ['transform', 'transforms'],
    ] as const) {
      const names = [...(types.get(parent) ?? [])];
      expect(names.length, kind).toBeGreaterThan(0);
      for (const t of names) {
        expect(doc, `${kind} ${t}`).toContain(`#### ${kind} \`${t}\``);
        expect(EXAMPLES[`${kind}.${t}`], `${kind} ${t} example`).toBeDefined();
      }
    }
    for (const id of ['top', 'pipeline', 'map', 'preset', 'flows', 'health', 'subsystems'])
      expect(EXAMPLES[id], id).toBeDefined();
  });

  it('shows only examples that Mortar accepts', () => {
    process.env.MORTAR_PUSH_TOKEN ??= 'docs-test-token';
    for (const [id, yaml] of Object.entries(EXAMPLES)) {
      const dir = mkdtempSync(join(tmpdir(), 'mortar-docs-'));
      dirs.push(dir);
      mkdirSync(join(dir, 'pipelines'));
      writeFileSync(join(dir, 'pipelines', 'more.yaml'), 'pipelines: {}\n');
      writeFileSync(join(dir, 'mortar.yaml'), `${yaml}\n`);
      expect(doc, id).toContain(yaml);
      try {
        buildPipelines(loadConfig(join(dir, 'mortar.yaml')));
      } catch (e) {
        throw new Error(`example ${id}: ${(e as { render?: () => string }).render?.() ?? String(e)}`);
      }
    }
  });
});
