// The `json` parser: one JSON object per record; its keys become fields, nested objects stay
// nested (they end up as nested attributes).
import type { ParserConfig } from '../config/schema.ts';
import type { AttrValue } from '../events/event.ts';
import { setField } from './fields.ts';
import { type Fields, inputOf, type Parser } from './parser.ts';

export type JsonParserConfig = Extract<ParserConfig, { type: 'json' }>;

export function buildJsonParser(config: JsonParserConfig): Parser {
  return (fields: Fields, text: string) => {
    const input = inputOf(fields, text, config.field);
    if (input === undefined) return `field "${config.field}" is missing`;
    let value: AttrValue;
    try {
      value = JSON.parse(input) as AttrValue;
    } catch (e) {
      return `invalid JSON: ${(e as Error).message}`;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'expected a JSON object';
    // setField, not Object.assign: a JSON key such as __proto__ must stay an ordinary field.
    for (const [k, v] of Object.entries(value)) setField(fields, k, v);
    return undefined;
  };
}
