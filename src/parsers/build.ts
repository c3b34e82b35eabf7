// Builds a parser from its configuration by `type`: the one registry of parsers.
import type { ParserConfig } from '../config/schema.ts';
import { buildJsonParser } from './json.ts';
import type { Parser } from './parser.ts';
import { buildRegexParser } from './regex.ts';

export function buildParser(config: ParserConfig): Parser {
  switch (config.type) {
    case 'regex':
      return buildRegexParser(config);
    case 'json':
      return buildJsonParser(config);
  }
}
