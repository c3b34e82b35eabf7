// Builds a transform (a verb on parsed fields, between parsers and map) by its `type`.
import type { TransformConfig } from '../config/schema.ts';
import type { Fields, ParseResult } from '../parsers/parser.ts';
import { buildEnrich } from './enrich.ts';
import { buildFilter } from './filter.ts';

export type Transform = (fields: Fields) => ParseResult;

export function buildTransform(config: TransformConfig): Transform {
  switch (config.type) {
    case 'filter':
      return buildFilter(config);
    case 'enrich':
      return buildEnrich(config);
  }
}
