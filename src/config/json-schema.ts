// The JSON Schema of mortar.yaml, derived from the zod schema, so editors (YAML language server)
// can complete and check configurations; committed as mortar.schema.json.
import { z } from 'zod';
import { configFileSpec } from './schema.ts';

export function configJsonSchema(): object {
  return {
    ...z.toJSONSchema(configFileSpec, { io: 'input', target: 'draft-2020-12' }),
    title: 'Mortar configuration',
  };
}
