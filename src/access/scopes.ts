// Data scopes: which rows of a dataset a user may see. A role lists, per dataset, conditions on the
// dataset's dimensions ("subsystem in [video, console]", "attrs.site = {user.site}"); conditions of
// one role AND together, a user's roles OR together for one dataset, and each rule binds only to
// the dataset it names. A role without a rule for a dataset leaves that dataset unrestricted for it.
// A `{user.x}` the user lacks matches nothing (fail closed).
import type { RowScope, ScopeCondition } from '../reports/plan.ts';

export type { ScopeCondition } from '../reports/plan.ts';
/** Per dataset: `all`, or the alternatives (one per restricting role) each a list of ANDed conditions. */
export type DatasetScope = RowScope;

export const UNRESTRICTED: DatasetScope = Object.freeze({ all: true });

const RULE = /^\s*([A-Za-z_][\w.]*)\s*(=|==|!=|in|not\s+in)\s*(.+?)\s*$/;

/** Parses one rule; returns an error message instead when it is malformed. */
export function parseScopeRule(
  text: string,
): { dimension: string; op: 'in' | 'not_in'; values: string[] } | string {
  const m = RULE.exec(text);
  if (!m)
    return 'expected "<dimension> = <value>", "<dimension> != <value>", "<dimension> in [a, b]" or "<dimension> not in [a, b]"';
  const [, dimension, rawOp, rhs] = m as unknown as [string, string, string, string];
  const op = rawOp === '!=' || /^not\s+in$/.test(rawOp) ? 'not_in' : 'in';
  const isList = rawOp === 'in' || /^not\s+in$/.test(rawOp);
  let values: string[];
  if (isList) {
    const l = /^\[(.*)\]$/.exec(rhs);
    if (!l) return `"${rawOp}" takes a list in brackets, e.g. [video, console]`;
    values = l[1]!
      .split(',')
      .map(unquote)
      .filter((v) => v !== '');
    if (values.length === 0) return 'the list is empty';
  } else values = [unquote(rhs)];
  return { dimension, op, values };
}

function unquote(s: string): string {
  const t = s.trim();
  return /^(['"]).*\1$/.test(t) ? t.slice(1, -1) : t;
}

/** Replaces `{user.x}` by the user's attribute; undefined when the user lacks one (the rule then matches nothing). */
function bindUser(value: string, attrs: Readonly<Record<string, string>>): string | undefined {
  let missing = false;
  const out = value.replace(/\{user\.([\w.-]+)\}/g, (_, k: string) => {
    const v = attrs[k];
    if (v === undefined) missing = true;
    return v ?? '';
  });
  return missing ? undefined : out;
}

export type RoleScopes = Readonly<Record<string, readonly string[]>>;

/** The scope of one dataset for a user with these roles (each role's rules as configured, already validated). */
export function datasetScope(
  dataset: string,
  roles: readonly string[],
  /** A role's scopes; undefined: the role has none (sees all rows); null: no such role (grants nothing). */
  scopesOfRole: (role: string) => RoleScopes | undefined | null,
  attrs: Readonly<Record<string, string>>,
): DatasetScope {
  const anyOf: ScopeCondition[][] = [];
  for (const role of roles) {
    const scopes = scopesOfRole(role);
    if (scopes === null) continue;
    const rules = scopes?.[dataset];
    if (rules === undefined) return UNRESTRICTED; // this role sees the whole dataset: OR with everything
    const conds: ScopeCondition[] = [];
    for (const r of rules) {
      const p = parseScopeRule(r);
      if (typeof p === 'string') throw new Error(`unvalidated scope rule "${r}": ${p}`);
      const bound = p.values.map((v) => bindUser(v, attrs));
      if (bound.some((v) => v === undefined)) {
        // A missing user attribute: "in" matches nothing; "not in" excludes nothing known, so fail closed too.
        conds.push({ dimension: p.dimension, op: 'in', values: [] });
      } else conds.push({ dimension: p.dimension, op: p.op, values: bound as string[] });
    }
    anyOf.push(conds);
  }
  // No (known) role: nothing is visible. An empty alternative list matches no row.
  return { all: false, anyOf };
}

/** Whether a row (dimension -> value) is in scope: the same logic as the SQL the reports compile. */
export function rowInScope(
  scope: DatasetScope,
  value: (dimension: string) => string | null | undefined,
): boolean {
  if (scope.all) return true;
  return scope.anyOf.some((conds) =>
    conds.every((c) => {
      const v = value(c.dimension);
      if (v === null || v === undefined) return false;
      return c.op === 'in' ? c.values.includes(v) : !c.values.includes(v);
    }),
  );
}
