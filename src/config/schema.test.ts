// The committed JSON Schema (mortar.schema.json, used by editors) is the one the code generates.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { configJsonSchema } from './json-schema.ts';

it('mortar.schema.json is up to date (regenerate: npx mortar schema --out mortar.schema.json)', () => {
  const committed = JSON.parse(readFileSync(new URL('../../mortar.schema.json', import.meta.url), 'utf8'));
  expect(committed).toEqual(JSON.parse(JSON.stringify(configJsonSchema())));
});
