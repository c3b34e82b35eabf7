// Query-string validation for the API: every parameter is checked at the boundary and a bad one
// is answered with a 400 that names the parameter and the accepted form.
import { UserError } from '../events/errors.ts';

const bad = (param: string, message: string, hint: string) =>
  new UserError('bad_request', `invalid query parameter "${param}": ${message}`, [
    { where: `query.${param}`, message, hint },
  ]);

export function timeParam(value: string | undefined, param: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(ms))
    throw bad(param, `"${value}" is not a time`, 'use ISO 8601, e.g. 2026-11-26T12:00:00Z');
  return ms * 1000;
}

export function intParam(
  value: string | undefined,
  param: string,
  dflt: number,
  min: number,
  max: number,
): number {
  if (value === undefined || value === '') return dflt;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw bad(param, `"${value}" is out of range`, `use a whole number from ${min} to ${max}`);
  return n;
}

export function listParam(value: string | undefined): string[] | undefined {
  if (value === undefined || value === '') return undefined;
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A bucket width that gives about `target` buckets over the span, rounded to a familiar step. */
export function niceBucketSeconds(spanSeconds: number, target = 60): number {
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400];
  const want = spanSeconds / target;
  return steps.find((s) => s >= want) ?? 86400;
}
