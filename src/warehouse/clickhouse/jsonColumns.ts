// JSON text for the `keys` and `attrs` columns, written so that ClickHouse's simpleJSON
// functions (visitParamHas / visitParamExtract*, which search for the substring `"name":`)
// find exactly the top-level members:
//   - a top-level name is written with `"` as \u0022, so no name can contain `"other":`;
//   - a nested name starts with a \uXXXX escape of its first character, so `"name":` never
//     matches below the top level;
//   - string values escape every `"`, so they cannot contain `"name":` either.
// All of it is valid JSON that parses back to the original value. What it cannot separate: a
// top-level name that itself starts with `"` or a control character (escaped the same way as a
// nested name's first character); such names do not come out of Mortar's parsers in practice.

import { wellFormed } from './literal.ts';

/** A name's JSON text between the quotes, with `"` spelled \u0022. */
function nameContent(name: string): string {
  return JSON.stringify(wellFormed(name)).slice(1, -1).replaceAll('\\"', '\\u0022');
}

/** The name as the simpleJSON functions must search for it. */
export function searchName(name: string): string {
  return nameContent(name);
}

function hiddenName(name: string): string {
  if (name.length === 0) return '""';
  // A character outside the BMP is two UTF-16 units: escape both, never split the pair.
  const width = (name.codePointAt(0) ?? 0) > 0xffff ? 2 : 1;
  let head = '';
  for (let i = 0; i < width; i++) head += `\\u${name.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return `"${head}${nameContent(name.slice(width))}"`;
}

function nested(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(nested).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{${members.map(([k, v]) => `${hiddenName(k)}:${nested(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A JSON object whose top-level members the simpleJSON functions find by name. */
export function objectJson(value: Readonly<Record<string, unknown>>): string {
  const members = Object.entries(value).filter(([, v]) => v !== undefined);
  return `{${members.map(([k, v]) => `"${nameContent(k)}":${nested(v)}`).join(',')}}`;
}
