// The `regex` parser: a JavaScript regular expression whose named groups become fields, with
// optional conversion of captured text to int, float or bool.
import type { ParserConfig } from '../config/schema.ts';
import { ComponentError, type Fields, inputOf, type Parser } from './parser.ts';

export type RegexParserConfig = Extract<ParserConfig, { type: 'regex' }>;
type FieldType = 'string' | 'int' | 'float' | 'bool';

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
  return (fields: Fields, text: string) => {
    const input = inputOf(fields, text, config.field);
    if (input === undefined) return `field "${config.field}" is missing`;
    const m = rx.exec(input);
    if (!m?.groups)
      return `does not match the pattern of parser regex${config.field ? ` on field "${config.field}"` : ''}`;
    for (const [k, v] of Object.entries(m.groups)) if (v !== undefined) fields[k] = v;
    for (const [field, conv] of convert) {
      const raw = m.groups[field];
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

function converter(type: FieldType): (s: string) => string | number | boolean | undefined {
  switch (type) {
    case 'int':
      return (s) => (/^[+-]?\d+$/.test(s.trim()) ? Number.parseInt(s, 10) : undefined);
    case 'float':
      return (s) => {
        const n = Number(s.trim());
        return s.trim() !== '' && Number.isFinite(n) ? n : undefined;
      };
    case 'bool':
      return (s) => {
        const t = s.trim().toLowerCase();
        return ['true', 'yes', 'on', '1'].includes(t)
          ? true
          : ['false', 'no', 'off', '0'].includes(t)
            ? false
            : undefined;
      };
    case 'string':
      return (s) => s;
  }
}
