// Small formatting helpers of the Catalog page: fill as a percentage, a distinct count that says
// when it is an estimate, and the tone of each drift change.
import type { DriftChangeName } from '../../../src/api/types.ts';
import type { BadgeTone } from '../ui/Badge.tsx';

export function formatFill(fill: number): string {
  if (fill >= 1) return '100%';
  if (fill > 0 && fill < 0.01) return '<1%';
  return `${Math.floor(fill * 100)}%`;
}

export function formatDistinct(n: number, exact: boolean): string {
  const s = n >= 10_000 ? `${(n / 1000).toFixed(n >= 100_000 ? 0 : 1)}k` : String(n);
  return exact ? s : `≈${s}`;
}

export const DRIFT_LABEL: Record<DriftChangeName, string> = {
  type_added: 'new type',
  field_added: 'new field',
  type_changed: 'type changed',
  field_vanished: 'field vanished',
  field_returned: 'field returned',
  rate_collapsed: 'rate collapsed',
  rate_recovered: 'rate recovered',
};

export const DRIFT_TONE: Record<DriftChangeName, BadgeTone> = {
  type_added: 'brand',
  field_added: 'brand',
  type_changed: 'warn',
  field_vanished: 'danger',
  field_returned: 'ok',
  rate_collapsed: 'danger',
  rate_recovered: 'ok',
};
