// The `regex` parser: a JavaScript regular expression whose named groups become fields, with
// optional conversion of captured text to int, float or bool.
import type { ParserConfig } from '../config/schema.ts';
import { converter, type FieldType } from './fields.ts';
import { ComponentError, type Fields, inputOf, type Parser } from './parser.ts';

export type RegexParserConfig = Extract<ParserConfig, { type: 'regex' }>;

export function buildRegexParser(config: RegexParserConfig): Parser {
  let rx: RegExp;
  try {
    rx = new RegExp(config.pattern);
  } catch (e) {
    throw new ComponentError(
      ['pattern'],
      `invalid regular expression: ${(e as Error).message}`,
      'JavaScript syntax; named groups are written (?<name>...)',
    );
  }
  const groups = namedGroups(config.pattern);
  if (groups.length === 0)
    throw new ComponentError(
      ['pattern'],
      'the pattern has no named groups, so it would produce no fields',
      'capture with (?<name>...)',
    );
  const types = Object.entries(config.types ?? {}) as [string, FieldType][];
  for (const [field] of types) {
    if (!groups.includes(field))
      throw new ComponentError(
        ['types', field],
        `"${field}" is not a named group of the pattern`,
        `named groups: ${groups.join(', ')}`,
      );
  }
  const convert = types.map(([field, type]) => [field, converter(type)] as const);
  // The group names, in the order Object.entries(m.groups) lists them, taken from the first
  // match: every match of one pattern has the same groups object, and walking a name list
  // allocates nothing per record (this loop runs once per line at ingest).
  let names: string[] | undefined;
  return (fields: Fields, text: string) => {
    const input = inputOf(fields, text, config.field);
    if (input === undefined) return `field "${config.field}" is missing`;
    const m = rx.exec(input);
    const g = m?.groups;
    if (!g)
      return `does not match the pattern of parser regex${config.field ? ` on field "${config.field}"` : ''}`;
    names ??= Object.keys(g);
    for (let i = 0; i < names.length; i++) {
      const v = g[names[i]!];
      if (v !== undefined) fields[names[i]!] = v;
    }
    for (let i = 0; i < convert.length; i++) {
      const [field, conv] = convert[i]!;
      const raw = g[field];
      if (raw === undefined) continue;
      const v = conv(raw);
      if (v === undefined) return `field "${field}" is "${raw}", not a valid ${config.types![field]}`;
      fields[field] = v;
    }
    return undefined;
  };
}

/** Names of the named groups in source order (also used to check templates against the pattern). */
export function namedGroups(pattern: string): string[] {
  return [...pattern.matchAll(/\(\?<([A-Za-z_][A-Za-z0-9_]*)>/g)].map((m) => m[1]!);
}
