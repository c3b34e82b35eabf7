// Helpers for parsers that name fields after their input (kv keys, csv headers, syslog
// structured-data parameters): typed conversion of text like the regex parser's `types`, and a
// write that stays an own property even for hostile keys such as `__proto__`.
import type { AttrValue } from '../events/event.ts';
import type { Fields } from './parser.ts';

export type FieldType = 'string' | 'int' | 'float' | 'bool';
export type Convert = (s: string) => string | number | boolean | undefined;

const TRUE = new Set(['true', 'yes', 'on', '1']);
const FALSE = new Set(['false', 'no', 'off', '0']);

/** Text -> typed value; undefined when the text is not a valid value of the type. */
export function converter(type: FieldType): Convert {
  switch (type) {
    case 'int':
      return (s) => (/^\s*[+-]?\d+\s*$/.test(s) ? Number.parseInt(s, 10) : undefined);
    case 'float':
      return (s) => {
        const n = Number(s);
        return s.trim() !== '' && Number.isFinite(n) ? n : undefined;
      };
    case 'bool':
      return (s) => {
        const t = s.trim().toLowerCase();
        return TRUE.has(t) ? true : FALSE.has(t) ? false : undefined;
      };
    case 'string':
      return (s) => s;
  }
}

/** Converts a value, or each element of an array of them; undefined when one does not convert. */
export function convertAll(value: AttrValue, convert: Convert): AttrValue | undefined {
  if (typeof value === 'string') return convert(value);
  if (!Array.isArray(value)) return value;
  const out: AttrValue[] = [];
  for (const v of value) {
    const c = convertAll(v, convert);
    if (c === undefined) return undefined;
    out.push(c);
  }
  return out;
}

/** The dead-letter reason for a value that is not of its configured type. */
export function typeReason(name: string, value: AttrValue, type: FieldType): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `field "${name}" is "${clip(text)}", not a valid ${type}`;
}

/** Sets an own property, also for names like `__proto__` that a plain assignment would not store. */
export function setField(fields: Fields, name: string, value: AttrValue): void {
  if (name === '__proto__')
    Object.defineProperty(fields, name, { value, enumerable: true, writable: true, configurable: true });
  else fields[name] = value;
}

/** Keeps reasons readable when the offending text is a megabyte of junk. */
export function clip(s: string, max = 80): string {
  return s.length <= max ? s : `${s.slice(0, max)}…`;
}
