// Runs one parser configuration (validated by the real schema, defaults applied) on one text, as
// the processor would: the fields it produced, or its reason, or FILTERED.
import { parserSpec } from '../config/schema.ts';
import { buildParser } from './build.ts';
import type { Fields, ParseContext, ParseResult } from './parser.ts';

export const CTX: ParseContext = {
  fileId: 'f1',
  offset: 100,
  receivedAtUs: Date.UTC(2026, 10, 26, 12) * 1000,
};

export function parserOf(
  config: object,
): (text: string, ctx?: Partial<ParseContext>, fields?: Fields) => Fields | ParseResult {
  const parser = buildParser(parserSpec.parse(config));
  return (text, ctx = {}, fields = {}) => {
    const r = parser(fields, text, { ...CTX, ...ctx });
    return r === undefined ? fields : r;
  };
}

/** The reason a configuration is refused at build time ("path: message"), or undefined. */
export function buildError(config: object): string | undefined {
  try {
    buildParser(parserSpec.parse(config));
    return undefined;
  } catch (e) {
    const path = (e as { path?: unknown[] }).path;
    return `${Array.isArray(path) ? path.join('.') : ''}: ${(e as Error).message}`;
  }
}
