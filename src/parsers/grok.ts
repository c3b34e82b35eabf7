// The `grok` parser: Logstash-compatible grok patterns (`%{SYSLOGBASE} %{GREEDYDATA:message}`),
// tried in order until one matches, each compiled once into one JavaScript RegExp. Captured
// fields may be nested (`[source][address]` -> source.address) and converted (`:int`, `:float`).
// The pattern library (grok/) speaks both of Logstash's namings: ECS v1 by default, as Logstash
// 8 does, or the legacy names (clientip, verb, ...) with `ecs_compatibility: disabled`.
// A field captured more than once in one match keeps every non-empty value, in order, as an
// array (Logstash does the same); a field an earlier parser set is overwritten.
import type { ParserConfig } from '../config/schema.ts';
import type { AttrValue } from '../events/event.ts';
import { type CompiledGrok, type Conversion, GrokCompiler, GrokError } from './grok/compile.ts';
import { type Naming, patternLibrary } from './grok/library.ts';
import { ComponentError, type Fields, inputOf, type Parser } from './parser.ts';

export type GrokParserConfig = Extract<ParserConfig, { type: 'grok' }>;

type Apply = (fields: Fields, m: RegExpExecArray) => string | undefined;

const NAMING: Record<GrokParserConfig['ecs_compatibility'], Naming> = {
  disabled: 'legacy',
  v1: 'ecs',
  v8: 'ecs',
};

const CONVERT: Record<Conversion, (s: string) => number | undefined> = {
  // Like Logstash's to_i on what a number pattern captured: `1.9` -> 1; text that is no number at
  // all is a dead letter here rather than Logstash's silent 0.
  int: (s) => {
    const n = s.trim() === '' ? Number.NaN : Number(s);
    return Number.isFinite(n) ? Math.trunc(n) : undefined;
  },
  float: (s) => {
    const n = s.trim() === '' ? Number.NaN : Number(s);
    return Number.isFinite(n) ? n : undefined;
  },
};

export function buildGrokParser(config: GrokParserConfig): Parser {
  const custom = config.pattern_definitions ?? {};
  const definitions = new Map(patternLibrary(NAMING[config.ecs_compatibility ?? 'v1']));
  for (const [name, definition] of Object.entries(custom)) {
    if (!/^\w+$/.test(name))
      throw new ComponentError(
        ['pattern_definitions', name],
        `"${name}" is not a valid pattern name`,
        'pattern names are letters, digits and _, e.g. MY_TIMESTAMP',
      );
    definitions.set(name, definition);
  }
  const compiler = new GrokCompiler(definitions, new Set(Object.keys(custom)));
  const compile = (pattern: string, path: (string | number)[]): CompiledGrok => {
    try {
      return compiler.compile(pattern);
    } catch (e) {
      if (!(e instanceof GrokError)) throw e;
      throw new ComponentError(
        e.definition ? ['pattern_definitions', e.definition] : path,
        e.message,
        e.hint,
      );
    }
  };
  // Every custom definition is checked, also the ones no pattern uses yet.
  for (const name of Object.keys(custom)) compile(`%{${name}}`, ['pattern_definitions', name]);
  const matchers = config.patterns.map((p, i) => {
    const compiled = compile(p, ['patterns', i]);
    return { regex: compiled.exec, apply: applier(compiled) };
  });

  const where = config.field ? ` in field "${config.field}"` : '';
  const miss =
    matchers.length === 1
      ? `does not match the grok pattern ${clip(config.patterns[0]!)}${where}`
      : `matches none of the ${matchers.length} grok patterns${where}`;
  return (fields: Fields, text: string) => {
    const input = inputOf(fields, text, config.field);
    if (input === undefined) return `field "${config.field}" is missing`;
    for (const { regex, apply } of matchers) {
      const m = regex.exec(input);
      if (m) return apply(fields, m);
    }
    return miss;
  };
}

/** Writes the captures of a match into the fields; a conversion that fails is the reason. */
function applier({ captures }: CompiledGrok): Apply {
  const keys = captures.map((c) => c.path.join('\0'));
  const repeatedKeys = [...new Set(keys.filter((k, i) => keys.indexOf(k) !== i))];
  const slots = captures.map((c, i) => ({
    ...c,
    convert: c.conversion ? CONVERT[c.conversion] : undefined,
    /** Index among the repeated fields, or -1. */
    repeated: repeatedKeys.indexOf(keys[i]!),
  }));
  // Values so far per repeated field in the current match; reused, as a parser runs synchronously.
  const seen = new Uint32Array(repeatedKeys.length);
  return (fields, m) => {
    if (seen.length > 0) seen.fill(0);
    for (const slot of slots) {
      const raw = m[slot.index];
      if (raw === undefined || raw === '') continue; // Logstash drops empty captures too
      let value: AttrValue = raw;
      if (slot.convert) {
        const n = slot.convert(raw);
        if (n === undefined) return `field "${slot.field}" is "${clip(raw)}", not a valid ${slot.conversion}`;
        value = n;
      }
      if (slot.repeated < 0) setPath(fields, slot.path, value);
      else {
        const before = seen[slot.repeated]!++;
        if (before === 0) setPath(fields, slot.path, value);
        else {
          const prev = getPath(fields, slot.path);
          if (before === 1) setPath(fields, slot.path, [prev, value]);
          else (prev as AttrValue[]).push(value);
        }
      }
    }
    return undefined;
  };
}

/** Sets fields.a.b.c, creating (or replacing non-object values with) objects on the way. */
function setPath(fields: Fields, path: string[], value: AttrValue): void {
  let obj: Record<string, AttrValue> = fields;
  const last = path.length - 1;
  for (let i = 0; i < last; i++) {
    const key = path[i]!;
    // Inherited members are never plain objects (and __proto__ is refused at build time).
    const next = obj[key];
    if (next !== null && typeof next === 'object' && !Array.isArray(next)) obj = next;
    else {
      const created: Record<string, AttrValue> = {};
      obj[key] = created;
      obj = created;
    }
  }
  obj[path[last]!] = value;
}

function getPath(fields: Fields, path: string[]): AttrValue {
  let v: AttrValue = fields;
  for (const key of path) v = (v as Record<string, AttrValue>)[key]!;
  return v;
}

function clip(s: string, max = 80): string {
  return s.length <= max ? s : `${s.slice(0, max)}…`;
}
