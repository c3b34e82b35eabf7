// Grok -> one JavaScript RegExp. Expands `%{NAME}`, `%{NAME:field}` and `%{NAME:field:int|float}`
// recursively against a table of definitions and gives every capture a generated group name (JS
// group names must be unique identifiers; grok fields such as `[source][address]` are neither),
// keeping the map back to field paths. Also translates what Logstash (Oniguruma) users write and
// JavaScript lacks: `(?<[a][b]>...)`, atomic groups `(?>...)`, `\A \z \Z \h \H`, POSIX bracket
// classes `[[:alpha:]]`, and a leading `(?m)` / `(?i)`. Unnamed `(...)` groups become `(?:...)`:
// grok keeps named captures only.

export type Conversion = 'int' | 'float';

export interface Capture {
  /** Index of the capturing group in the match array. */
  index: number;
  /** The field as written in the pattern, e.g. `[source][address]`. */
  field: string;
  /** Where it goes: `[source][address]` -> ['source', 'address']. */
  path: string[];
  conversion?: Conversion;
}

export interface CompiledGrok {
  /** The pattern with its generated group names (g1, g2, ...), for reading and explaining. */
  regex: RegExp;
  /**
   * The same expression with the names left out, which is what runs: V8 builds a `groups` object
   * on every match of a regex with named groups (measured ~30% slower); captures are read by index.
   */
  exec: RegExp;
  captures: Capture[];
}

/** The expression being built, twice: with group names and without. */
class Out {
  named = '';
  plain = '';
  add(named: string, plain = named): void {
    this.named += named;
    this.plain += plain;
  }
}

/** A problem in a pattern; `definition` names the custom definition it is in, if any. */
export class GrokError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly definition?: string,
  ) {
    super(message);
  }
}

const POSIX: Record<string, string> = {
  alnum: 'a-zA-Z0-9',
  alpha: 'a-zA-Z',
  blank: ' \\t',
  cntrl: '\\x00-\\x1f\\x7f',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\s',
  upper: 'A-Z',
  word: '\\w',
  xdigit: '0-9A-Fa-f',
};

const REFERENCE = /^(\w+)(?::([^:]+)(?::(\w+))?)?$/;

/**
 * Compiles grok patterns against `definitions` (library + custom, custom winning). Expansions
 * without captures are cached, so compiling many patterns of one parser stays cheap.
 */
export class GrokCompiler {
  private readonly plain = new Map<string, string>();
  private captures: Capture[] = [];
  private groups = 0;
  /** Raw `(?<name>...)` groups by name, for `\\k<name>` backreferences. */
  private raw = new Map<string, number>();

  constructor(
    private readonly definitions: ReadonlyMap<string, string>,
    private readonly custom: ReadonlySet<string> = new Set(),
  ) {}

  compile(pattern: string): CompiledGrok {
    this.captures = [];
    this.groups = 0;
    this.raw = new Map();
    const lead = /^\(\?([imx]+)\)/.exec(pattern);
    let flags = '';
    if (lead) {
      if (lead[1]!.includes('x'))
        throw new GrokError('the x (extended) flag is not supported', 'write the pattern without comments');
      if (lead[1]!.includes('m')) flags += 's'; // Ruby's m: dot matches newlines
      if (lead[1]!.includes('i')) flags += 'i';
    }
    const out = this.expand(lead ? pattern.slice(lead[0].length) : pattern, []);
    try {
      return {
        regex: new RegExp(out.named, flags),
        exec: new RegExp(out.plain, flags),
        captures: this.captures,
      };
    } catch (e) {
      throw new GrokError(
        `invalid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`,
        'JavaScript regex syntax; inline flags only at the very start ((?m), (?i)), no possessive quantifiers',
      );
    }
  }

  /** Names of every definition, for hints. */
  names(): string[] {
    return [...this.definitions.keys()];
  }

  private expand(def: string, stack: string[]): Out {
    const out = new Out();
    const open: (number | undefined)[] = []; // per open paren: its atomic group's number, if any
    let i = 0;
    while (i < def.length) {
      const c = def[i]!;
      if (c === '\\') {
        const [named, plain, next] = this.escape(def, i);
        out.add(named, plain);
        i = next;
      } else if (c === '[') {
        const cls = readClass(def, i, (message, hint) => this.error(message, stack, hint));
        out.add(`[${cls.negated ? '^' : ''}${cls.body}]`);
        i = cls.end;
      } else if (c === '%' && def[i + 1] === '{') {
        const end = def.indexOf('}', i);
        if (end < 0)
          throw this.error(`unclosed %{ in "${clip(def)}"`, stack, 'write %{NAME} or %{NAME:field}');
        this.reference(def.slice(i + 2, end), stack, out);
        i = end + 1;
      } else if (c === '(') {
        if (def.startsWith('(?<', i) && def[i + 3] !== '=' && def[i + 3] !== '!') {
          const end = def.indexOf('>', i);
          const field = end < 0 ? '' : def.slice(i + 3, end);
          if (!field || /[()]/.test(field))
            throw this.error(`malformed named group in "${clip(def)}"`, stack, 'write (?<field>...)');
          const group = this.capture(field, undefined, stack);
          this.raw.set(field, group);
          out.add(`(?<g${group}>`, '(');
          open.push(undefined);
          i = end + 1;
        } else if (def.startsWith('(?>', i)) {
          // Atomic group emulated by a lookahead capture and a backreference to it.
          const group = ++this.groups;
          out.add(`(?=(?<a${group}>`, '(?=(');
          open.push(group);
          i += 3;
        } else {
          out.add(def[i + 1] === '?' ? '(' : '(?:');
          open.push(undefined);
          i++;
        }
      } else if (c === ')') {
        const atomic = open.pop();
        if (atomic === undefined) out.add(')');
        else out.add(`))\\k<a${atomic}>`, `))(?:\\${atomic})`);
        i++;
      } else {
        out.add(c);
        i++;
      }
    }
    return out;
  }

  /** An escape at `i`: [named, plain, next index]. */
  private escape(def: string, i: number): [string, string, number] {
    const d = def[i + 1];
    switch (d) {
      case undefined:
        return ['\\\\', '\\\\', i + 1];
      case 'A':
        return ['^', '^', i + 2];
      case 'z':
        return ['$', '$', i + 2];
      case 'Z':
        return ['(?=\\n?$)', '(?=\\n?$)', i + 2];
      case 'h':
        return ['[0-9A-Fa-f]', '[0-9A-Fa-f]', i + 2];
      case 'H':
        return ['[^0-9A-Fa-f]', '[^0-9A-Fa-f]', i + 2];
      case 'k': {
        const m = /^<([^>]+)>/.exec(def.slice(i + 2));
        if (m) {
          const group = this.raw.get(m[1]!);
          if (group !== undefined) return [`\\k<g${group}>`, `(?:\\${group})`, i + 2 + m[0].length];
        }
        return ['\\k', '\\k', i + 2];
      }
      default:
        return [`\\${d}`, `\\${d}`, i + 2];
    }
  }

  private reference(ref: string, stack: string[], out: Out): void {
    const m = REFERENCE.exec(ref);
    if (!m)
      throw this.error(
        `malformed reference %{${ref}}`,
        stack,
        'write %{NAME}, %{NAME:field} or %{NAME:field:int} (NAME: letters, digits, _)',
      );
    const [, name, field, type] = m as unknown as [string, string, string | undefined, string | undefined];
    if (type !== undefined && type !== 'int' && type !== 'float')
      throw this.error(`unknown conversion "${type}" in %{${ref}}`, stack, 'conversions: int, float');
    if (stack.includes(name)) {
      const cycle = [...stack.slice(stack.indexOf(name)), name].join(' -> ');
      throw this.error(`pattern ${name} refers to itself: ${cycle}`, stack, 'break the cycle');
    }
    const definition = this.definitions.get(name);
    if (definition === undefined)
      throw this.error(`unknown grok pattern %{${name}}`, stack, similarHint(name, this.names()));
    if (field === undefined) out.add('(?:');
    else out.add(`(?<g${this.capture(field, type as Conversion, stack)}>`, '(');
    const cached = this.plain.get(name);
    if (cached !== undefined) out.add(cached);
    else {
      const before = this.groups;
      const inner = this.expand(definition, [...stack, name]);
      if (this.groups === before && inner.named === inner.plain) this.plain.set(name, inner.plain);
      out.add(inner.named, inner.plain);
    }
    out.add(')');
  }

  /** Registers a capture; returns its group number. */
  private capture(field: string, conversion: Conversion | undefined, stack: string[]): number {
    const index = ++this.groups;
    this.captures.push({ index, field, path: fieldPath(field, (m) => this.error(m, stack)), conversion });
    return index;
  }

  private error(message: string, stack: string[], hint?: string): GrokError {
    const definition = [...stack].reverse().find((n) => this.custom.has(n));
    const where = stack.length > 0 ? ` (in ${stack.join(' -> ')})` : '';
    return new GrokError(`${message}${where}`, hint, definition);
  }
}

/** `[source][address]` -> ['source', 'address']; `clientip` -> ['clientip']. */
export function fieldPath(field: string, fail: (message: string) => Error): string[] {
  let path = [field];
  if (field.startsWith('[')) {
    const parts = [...field.matchAll(/\[([^[\]]+)\]/g)].map((m) => m[1]!);
    if (parts.map((p) => `[${p}]`).join('') !== field)
      throw fail(`malformed field reference "${field}"; nested fields are written [a][b]`);
    path = parts;
  }
  if (path.includes('__proto__')) throw fail(`"__proto__" cannot be a field name`);
  return path;
}

interface Class {
  body: string;
  negated: boolean;
  end: number;
}

/** Reads `[...]` at `i`: POSIX classes and nested (union) classes are inlined for JavaScript. */
function readClass(def: string, i: number, fail: (message: string, hint: string) => Error): Class {
  let j = i + 1;
  const negated = def[j] === '^';
  if (negated) j++;
  let body = '';
  if (def[j] === ']') {
    body += '\\]'; // a leading ] is literal in Oniguruma, an empty class in JavaScript
    j++;
  }
  while (j < def.length) {
    const c = def[j]!;
    if (c === ']') return { body, negated, end: j + 1 };
    if (c === '\\') {
      const d = def[j + 1];
      body += d === 'h' ? '0-9A-Fa-f' : `\\${d ?? '\\'}`;
      j += 2;
    } else if (c === '[' && def[j + 1] === ':') {
      const end = def.indexOf(':]', j + 2);
      const cls = end < 0 ? undefined : POSIX[def.slice(j + 2, end)];
      if (cls === undefined)
        throw fail(`unknown POSIX class in "${clip(def)}"`, `known: ${Object.keys(POSIX).join(', ')}`);
      body += cls;
      j = end + 2;
    } else if (c === '[') {
      const inner = readClass(def, j, fail);
      if (inner.negated) throw fail(`negated class inside a class in "${clip(def)}"`, 'rewrite it');
      body += inner.body;
      j = inner.end;
    } else {
      body += c;
      j++;
    }
  }
  return { body, negated, end: j }; // unclosed: RegExp reports it
}

/** A hint naming the known patterns closest to an unknown one. */
export function similarHint(name: string, known: string[]): string {
  const upper = name.toUpperCase();
  const scored = known
    .map((k) => ({ k, d: distance(upper, k.toUpperCase()) }))
    .filter(
      ({ k, d }) =>
        d <= Math.max(2, Math.floor(name.length / 3)) ||
        (upper.length >= 3 && (k.includes(upper) || upper.includes(k))),
    )
    .sort((a, b) => a.d - b.d || a.k.localeCompare(b.k))
    .slice(0, 6)
    .map(({ k }) => k);
  return scored.length > 0
    ? `did you mean ${scored.join(', ')}? Or define it under pattern_definitions`
    : 'define it under pattern_definitions';
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

function clip(s: string, max = 60): string {
  return s.length <= max ? s : `${s.slice(0, max)}…`;
}
