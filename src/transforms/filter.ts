// The `filter` verb: keeps the records a condition keeps (or drops those it drops). A dropped
// record is counted as filtered and its position advances: it is neither an event nor lost.
import type { TransformConfig } from '../config/schema.ts';
import { ComponentError, FILTERED, type Fields, type ParseResult } from '../parsers/parser.ts';
import { compileCondition } from './condition.ts';

export type FilterConfig = Extract<TransformConfig, { type: 'filter' }>;

export function buildFilter(config: FilterConfig): (fields: Fields) => ParseResult {
  if ((config.keep === undefined) === (config.drop === undefined)) {
    throw new ComponentError(
      [],
      'a filter needs exactly one of keep or drop',
      'keep: {field: level, in: [WARN, ERROR]}',
    );
  }
  if (config.keep) {
    const keep = compileCondition(config.keep, ['keep']);
    return (f) => (keep(f) ? undefined : FILTERED);
  }
  const drop = compileCondition(config.drop!, ['drop']);
  return (f) => (drop(f) ? FILTERED : undefined);
}
