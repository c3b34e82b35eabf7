// Conditions over parsed fields, shared by every verb that decides something (filter now; routes,
// flow steps and health rules later): field comparisons combined with all / any / not.
import type { Condition } from '../config/schema.ts';
import type { AttrValue } from '../events/event.ts';
import { ComponentError, type Fields } from '../parsers/parser.ts';
import { getField } from './template.ts';

export type Predicate = (fields: Fields) => boolean;

const text = (v: AttrValue | undefined): string | undefined =>
  v === undefined || v === null ? undefined : typeof v === 'object' ? JSON.stringify(v) : String(v);

/** Compiles a condition once; throws ComponentError (with a path inside it) for a bad regex. */
export function compileCondition(c: Condition, path: (string | number)[] = []): Predicate {
  if ('all' in c) {
    const parts = c.all.map((x, i) => compileCondition(x, [...path, 'all', i]));
    return (f) => parts.every((p) => p(f));
  }
  if ('any' in c) {
    const parts = c.any.map((x, i) => compileCondition(x, [...path, 'any', i]));
    return (f) => parts.some((p) => p(f));
  }
  if ('not' in c) {
    const inner = compileCondition(c.not, [...path, 'not']);
    return (f) => !inner(f);
  }
  const tests: ((v: AttrValue | undefined) => boolean)[] = [];
  if (c.exists !== undefined) tests.push((v) => (v !== undefined && v !== null) === c.exists);
  if (c.equals !== undefined) tests.push((v) => text(v) === String(c.equals));
  if (c.in !== undefined) {
    const set = new Set(c.in.map(String));
    tests.push((v) => {
      const t = text(v);
      return t !== undefined && set.has(t);
    });
  }
  if (c.matches !== undefined) {
    let rx: RegExp;
    try {
      rx = new RegExp(c.matches);
    } catch (e) {
      throw new ComponentError([...path, 'matches'], `invalid regular expression: ${(e as Error).message}`);
    }
    tests.push((v) => {
      const t = text(v);
      return t !== undefined && rx.test(t);
    });
  }
  const num = (op: (a: number, b: number) => boolean, bound: number | undefined) => {
    if (bound !== undefined)
      tests.push((v) => {
        const n = typeof v === 'number' ? v : Number(text(v));
        return text(v) !== undefined && Number.isFinite(n) && op(n, bound);
      });
  };
  num((a, b) => a > b, c.gt);
  num((a, b) => a >= b, c.gte);
  num((a, b) => a < b, c.lt);
  num((a, b) => a <= b, c.lte);
  const field = c.field;
  return (f) => {
    const v = getField(f, field);
    return tests.every((t) => t(v));
  };
}
