// The `enrich` verb: looks a field's value up in a static table and adds the row's columns as
// fields (e.g. host -> site, rack, owner). A miss adds the `default` row, or nothing.
import type { TransformConfig } from '../config/schema.ts';
import type { AttrValue } from '../events/event.ts';
import type { Fields, ParseResult } from '../parsers/parser.ts';
import { getField } from './template.ts';

export type EnrichConfig = Extract<TransformConfig, { type: 'enrich' }>;

export function buildEnrich(config: EnrichConfig): (fields: Fields) => ParseResult {
  const prefix = config.prefix ?? '';
  const table = new Map<string, [string, AttrValue][]>(
    Object.entries(config.table).map(([k, row]) => [k, Object.entries(row).map(([c, v]) => [prefix + c, v])]),
  );
  const fallback = config.default
    ? Object.entries(config.default).map(([c, v]) => [prefix + c, v] as const)
    : [];
  return (f) => {
    const key = getField(f, config.field);
    const row = key === undefined || key === null ? undefined : table.get(String(key));
    for (const [c, v] of row ?? fallback) if (config.overwrite || !(c in f)) f[c] = v;
    return undefined;
  };
}
