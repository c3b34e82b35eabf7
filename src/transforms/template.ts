// Value specs of the map step: a literal, a `{field}` template, or a lookup through a table.
// Compiled once per pipeline into a function over parsed fields; a template that names a missing
// field yields undefined, so the caller's default applies.
import type { ValueSpec } from '../config/schema.ts';
import type { AttrValue } from '../events/event.ts';
import type { Fields } from '../parsers/parser.ts';

export type ValueFn = (fields: Fields) => string | undefined;

/** Reads a field by name; `a.b` reaches into nested objects when no field is literally named so. */
export function getField(fields: Fields, name: string): AttrValue | undefined {
  if (Object.hasOwn(fields, name)) return fields[name];
  let cur: AttrValue | undefined = fields;
  for (const part of name.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = Object.hasOwn(cur, part) ? (cur as Record<string, AttrValue>)[part] : undefined;
  }
  return cur;
}

const asText = (v: AttrValue | undefined): string | undefined =>
  v === undefined || v === null ? undefined : typeof v === 'object' ? JSON.stringify(v) : String(v);

/** Fields a value spec reads (to keep them out of attrs and to check them against the parsers). */
export function fieldsOf(spec: ValueSpec): string[] {
  if (typeof spec !== 'string') return [spec.from];
  return parseTemplate(spec)
    .filter((p) => p.field !== undefined)
    .map((p) => p.field!);
}

interface Piece {
  text?: string;
  field?: string;
}

/** Splits `a{x}b{{c}}` into pieces; throws on an unclosed brace (caller reports it with the path). */
export function parseTemplate(template: string): Piece[] {
  const pieces: Piece[] = [];
  let text = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if ((c === '{' || c === '}') && template[i + 1] === c) {
      text += c;
      i++;
    } else if (c === '{') {
      const end = template.indexOf('}', i);
      if (end < 0) throw new Error(`unclosed "{" in template "${template}"; write {{ for a literal brace`);
      if (text) pieces.push({ text });
      text = '';
      pieces.push({ field: template.slice(i + 1, end).trim() });
      i = end;
    } else text += c;
  }
  if (text) pieces.push({ text });
  return pieces;
}

export function compileValue(spec: ValueSpec): ValueFn {
  if (typeof spec !== 'string') {
    const { from, values, default: dflt } = spec;
    let rx: RegExp | undefined;
    if (spec.pattern !== undefined) {
      try {
        rx = new RegExp(spec.pattern);
      } catch (e) {
        throw new Error(`invalid pattern: ${(e as Error).message}`);
      }
    }
    return (fields) => {
      let v = asText(getField(fields, from));
      if (rx && v !== undefined) {
        const m = rx.exec(v);
        v = m ? (m[1] ?? m[0]) : undefined;
      }
      if (v === undefined) return dflt;
      if (!values) return v;
      return values[v] ?? dflt;
    };
  }
  const pieces = parseTemplate(spec);
  if (pieces.every((p) => p.field === undefined)) {
    const constant = pieces.map((p) => p.text).join('');
    return () => constant;
  }
  if (pieces.length === 1) {
    const f = pieces[0]!.field!;
    return (fields) => asText(getField(fields, f));
  }
  return (fields) => {
    let out = '';
    for (const p of pieces) {
      if (p.field === undefined) out += p.text;
      else {
        const v = asText(getField(fields, p.field));
        if (v === undefined) return undefined;
        out += v;
      }
    }
    return out;
  };
}
