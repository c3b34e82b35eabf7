// SQL as data: the `sql` tagged template builds a frozen tree of plain objects in which every
// interpolated value stays a bound parameter until a Dialect renders it (placeholders for DuckDB,
// audited literals for ClickHouse). Nothing here ever concatenates a value into SQL text.
//
// Nodes carry a private symbol brand: a plain object that arrives from outside (parsed JSON, a
// request body) can never pass itself off as an identifier or keyword, it becomes a value or an error.

const BRAND = Symbol('mortar.sql');

/** A timestamp parameter: UTC microseconds since the epoch. */
export interface TimestampValue {
  readonly kind: 'timestamp';
  readonly us: number;
}

/** What may travel as a bound parameter. */
export type SqlValue = string | number | bigint | boolean | null | TimestampValue;

/** A piece of SQL text interleaved with nodes: `strings.length === values.length + 1`. */
export interface Sql {
  readonly kind: 'fragment';
  readonly strings: readonly string[];
  readonly values: readonly SqlNode[];
}

/** A (possibly qualified) identifier, quoted by the dialect. */
export interface Identifier {
  readonly kind: 'id';
  readonly parts: readonly string[];
}

/** A bare keyword chosen by code (`desc`, `nulls last`); never user input. */
export interface Keyword {
  readonly kind: 'keyword';
  readonly text: string;
}

export interface Param {
  readonly kind: 'param';
  readonly value: SqlValue;
}

export type SqlNode = Sql | Identifier | Keyword | Param;

function node<T extends SqlNode>(n: T): T {
  Object.defineProperty(n, BRAND, { value: true });
  return Object.freeze(n);
}

/** True only for nodes built by this module. */
export function isSqlNode(x: unknown): x is SqlNode {
  return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[BRAND] === true;
}

export function isTimestampValue(x: unknown): x is TimestampValue {
  return (
    typeof x === 'object' &&
    x !== null &&
    (x as TimestampValue).kind === 'timestamp' &&
    typeof (x as TimestampValue).us === 'number'
  );
}

function isSqlValue(x: unknown): x is SqlValue {
  switch (typeof x) {
    case 'string':
    case 'bigint':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(x);
    case 'object':
      return x === null || isTimestampValue(x);
    default:
      return false;
  }
}

function param(value: unknown): Param {
  if (!isSqlValue(value)) {
    const what = typeof value === 'number' ? String(value) : Array.isArray(value) ? 'an array' : typeof value;
    throw new TypeError(
      `sql: cannot bind ${what} as a parameter (use sql.list for arrays, sql.ts for times)`,
    );
  }
  return node({
    kind: 'param',
    value: isTimestampValue(value) ? Object.freeze({ kind: 'timestamp', us: value.us }) : value,
  });
}

function fragment(strings: readonly string[], values: readonly SqlNode[]): Sql {
  if (strings.length !== values.length + 1)
    throw new TypeError('sql: a fragment needs one more string than values');
  return node({ kind: 'fragment', strings: Object.freeze([...strings]), values: Object.freeze([...values]) });
}

const KEYWORD = /^[A-Za-z_]+( [A-Za-z_]+)*$/;

/** Tagged template: literal parts are SQL, interpolations are nodes or bound values. */
export function sqlTemplate(strings: TemplateStringsArray, ...values: unknown[]): Sql {
  return fragment(
    strings,
    values.map((v) => (isSqlNode(v) ? v : param(v))),
  );
}

export const sql = Object.assign(sqlTemplate, {
  /** `sql.id('events')`, `sql.id('e', 'ts')`: quoted by the dialect, so reserved words are safe. */
  id(...parts: string[]): Identifier {
    if (
      parts.length === 0 ||
      parts.some((p) => typeof p !== 'string' || p.length === 0 || p.includes('\0'))
    ) {
      throw new TypeError('sql.id: expected one or more non-empty names');
    }
    return node({ kind: 'id', parts: Object.freeze([...parts]) });
  },

  /** A keyword picked by code, e.g. a sort direction; refuses anything but words and spaces. */
  keyword(text: string): Keyword {
    if (!KEYWORD.test(text))
      throw new TypeError(`sql.keyword: ${JSON.stringify(text)} is not a bare keyword`);
    return node({ kind: 'keyword', text });
  },

  /** An explicit bound value (the template already binds anything that is not a node). */
  value(v: SqlValue): Param {
    return param(v);
  },

  /** A timestamp parameter from UTC microseconds. */
  ts(us: number): Param {
    if (!Number.isFinite(us)) throw new TypeError(`sql.ts: ${us} is not a time in microseconds`);
    return param({ kind: 'timestamp', us: Math.round(us) });
  },

  /** Fragments separated by `separator` (default `, `). */
  join(parts: readonly SqlNode[], separator: Sql = fragment([', '], [])): Sql {
    if (parts.length === 0) return fragment([''], []);
    const strings = [''];
    const values: SqlNode[] = [];
    parts.forEach((p, i) => {
      if (!isSqlNode(p)) throw new TypeError('sql.join: parts must be sql nodes');
      if (i > 0) {
        values.push(separator);
        strings.push('');
      }
      values.push(p);
      strings.push('');
    });
    return fragment(strings, values);
  },

  /** Bound values separated by commas, for `in (...)`; callers handle the empty list. */
  list(values: readonly SqlValue[]): Sql {
    return sql.join(values.map(param));
  },

  empty: fragment([''], []),
});
