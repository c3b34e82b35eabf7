// Field masks on the data paths outside the report engine: event pages (search, drill-down of an
// alert) and dead letters get their rows masked here, with the same functions the reports compile
// (reports/field-masks.ts). Text search over events runs on the text as the identity sees it, so a
// search cannot find a row by a value it only shows masked.
import type { DeadLetter, MortarEvent } from '../events/event.ts';
import { findDimension } from '../reports/dataset.ts';
import { datasets } from '../reports/datasets.ts';
import {
  type FieldMask,
  maskedSql,
  maskFor,
  maskValue,
  redactText,
  textShown,
} from '../reports/field-masks.ts';
import type { Identity } from '../reports/secure.ts';
import type { Dialect } from '../warehouse/dialect.ts';
import { type Sql, sql } from '../warehouse/sql.ts';

const EVENTS = datasets([]).events!;

/** Top-level columns of an event a mask may name (the rest are not text, or are lineage). */
const COLUMNS = ['subsystem', 'component', 'source', 'kind', 'type', 'severity', 'pipeline', 'file'] as const;

const asText = (v: unknown): string | null =>
  v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v);

/** The value at a dotted path (`attrs.a.b`) of an event, as text. */
function valueAt(e: MortarEvent, field: string): string | null {
  if ((COLUMNS as readonly string[]).includes(field) || field === 'message')
    return asText((e as unknown as Record<string, unknown>)[field]);
  const [root, ...path] = field.split('.');
  if ((root !== 'attrs' && root !== 'keys') || path.length === 0) return null;
  let v: unknown = e[root];
  for (const p of path) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, p)) return null;
    v = (v as Record<string, unknown>)[p];
  }
  return asText(v);
}

/** A copy of `obj` with the members under `prefix` masked (hidden ones removed), recursing into objects. */
function maskTree(
  obj: Record<string, unknown>,
  prefix: string,
  masks: readonly FieldMask[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const field = `${prefix}.${k}`;
    const m = maskFor(masks, field);
    if (m) {
      const shown = maskValue(m, asText(v));
      if (shown !== null) out[k] = shown;
    } else if (v !== null && typeof v === 'object' && !Array.isArray(v))
      out[k] = maskTree(v as Record<string, unknown>, field, masks);
    else out[k] = v;
  }
  return out;
}

/** An event as an identity with these `events` masks sees it (hidden text columns become empty). */
export function maskEvent<E extends MortarEvent>(e: E, masks: readonly FieldMask[]): E {
  if (masks.length === 0) return e;
  const out = { ...e } as unknown as Record<string, unknown>;
  for (const c of COLUMNS) {
    const m = maskFor(masks, c);
    if (m) out[c] = maskValue(m, e[c]) ?? '';
  }
  out.keys = maskTree(e.keys, 'keys', masks);
  out.attrs = maskTree(e.attrs, 'attrs', masks);
  const value = (f: string) => valueAt(e, f);
  const messageMask = maskFor(masks, 'message');
  out.message = messageMask
    ? (maskValue(messageMask, e.message) ?? '')
    : redactText(e.message, 'events', masks, value);
  out.raw = textShown(masks, 'events', 'raw') ? redactText(e.raw, 'events', masks, value) : '';
  return out as unknown as E;
}

/** A dead letter as an identity with these `dead_letters` masks sees it. */
export function maskDeadLetter<D extends DeadLetter>(d: D, masks: readonly FieldMask[]): D {
  if (masks.length === 0) return d;
  const out = { ...d } as unknown as Record<string, unknown>;
  for (const c of ['source', 'pipeline', 'stage', 'reason', 'file', 'raw'] as const) {
    const m = maskFor(masks, c);
    if (m) out[c] = maskValue(m, d[c]) ?? '';
  }
  return out as unknown as D;
}

/**
 * Free-text search over events (message or raw line contains `text`) as the identity sees them:
 * undefined when it has no masks (the warehouse's own search applies), else the predicate over
 * alias `t` that replaces it.
 */
export function maskedTextSearch(identity: Identity, text: string, d: Dialect): Sql | undefined {
  const masks = identity.masksOf('events');
  if (masks.length === 0) return undefined;
  const real = (f: string) => findDimension(EVENTS, f)?.expr({ d });
  const seen = (f: string, e: Sql) => maskedSql(d, 'events', f, e, masks, real);
  const message = seen('message', sql`${sql.id('t', 'message')}`);
  const raw = seen('raw', sql`${sql.id('t', 'raw')}`);
  // A hidden text is NULL: contains() is then not true, so the row is not found by it.
  return sql`(${d.containsIgnoreCase(message, text)} or ${d.containsIgnoreCase(raw, text)})`;
}
