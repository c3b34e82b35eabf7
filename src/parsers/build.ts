// Builds a parser from its configuration by `type`: the one registry of parsers.
import type { ParserConfig } from '../config/schema.ts';
import { buildCsvParser } from './csv.ts';
import { buildGrokParser } from './grok.ts';
import { buildJsonParser } from './json.ts';
import { buildKvParser } from './kv.ts';
import type { Parser } from './parser.ts';
import { buildRegexParser } from './regex.ts';
import { buildSyslogParser } from './syslog.ts';

export function buildParser(config: ParserConfig): Parser {
  switch (config.type) {
    case 'regex':
      return buildRegexParser(config);
    case 'json':
      return buildJsonParser(config);
    case 'kv':
      return buildKvParser(config);
    case 'csv':
      return buildCsvParser(config);
    case 'syslog':
      return buildSyslogParser(config);
    case 'grok':
      return buildGrokParser(config);
  }
}
