// Field masks: a field of a dataset (a dimension name such as `attrs.operator`, `keys.user` or
// `message`) shown hidden, partly (`jd***`) or as a pseudonym (`#3f2a…`) to an identity that lacks
// the permission a mask names. This module is the one definition of what a mask does, twice over:
// `maskValue` for values in JavaScript (event pages, drill-down, example values) and `maskSql` for
// the warehouse (reports group, filter and sort on the masked value, so nothing can be inferred
// from the real one). Free text (an event's message and raw line) cannot be masked as a whole
// without losing it, so the row's own masked values are replaced inside it (`redactSql` /
// `redactText`); a masked message hides the raw line, which contains it.
import { createHash } from 'node:crypto';
import type { Dialect } from '../warehouse/dialect.ts';
import { type Sql, sql } from '../warehouse/sql.ts';

export const MASK_MODES = ['hide', 'partial', 'hash'] as const;
/**
 * The configurable modes, plus `quoted` (not configurable): every quoted part of a text hidden,
 * from its first double quote to its last (what a dead letter's reason quotes is input that may
 * hold a masked value, e.g. `field "x" is "…", not a valid int`).
 */
export type ConfiguredMaskMode = (typeof MASK_MODES)[number];
export type MaskMode = ConfiguredMaskMode | 'quoted';

export interface FieldMask {
  /** A dimension of the dataset; a mask on `attrs.a` also covers the nested `attrs.a.b`. */
  readonly field: string;
  readonly mode: MaskMode;
  /** Secret mixed into `hash`, so a pseudonym cannot be looked up by hashing guessed names. */
  readonly salt: string;
}

/** Characters `partial` keeps, and the shortest value that keeps any (shorter ones become `***`). */
const KEEP = 2;
const LONGER_THAN = 4;
const STARS = '***';
const HASH_DIGITS = 10;
/** `quoted`: from the first double quote to the last (RE2 and JavaScript read it alike). */
const QUOTED = '"(?s:.*)"';
const QUOTED_JS = /"[\s\S]*"/;

/** Free-text fields per dataset, each holding the ones before it (a raw line holds the message). */
const FREE_TEXT: Readonly<Record<string, readonly string[]>> = { events: ['message', 'raw'] };

const NESTED = /^(attrs|keys)\.[^.]+\./;

const covers = (m: FieldMask, field: string) => field === m.field || field.startsWith(`${m.field}.`);

/** The mask applying to a field: `hide` wins over the others, else the first one configured. */
export function maskFor(masks: readonly FieldMask[], field: string): FieldMask | undefined {
  const all = masks.filter((m) => covers(m, field));
  return all.find((m) => m.mode === 'hide') ?? all[0];
}

/** A value as the mask shows it; null for hidden (and for no value). */
export function maskValue(mask: FieldMask, value: string | null | undefined): string | null {
  if (value === null || value === undefined || mask.mode === 'hide') return null;
  if (mask.mode === 'quoted') return value.replace(QUOTED_JS, `"${STARS}"`);
  if (mask.mode === 'hash')
    return `#${createHash('md5')
      .update(mask.salt + value)
      .digest('hex')
      .slice(0, HASH_DIGITS)}`;
  const chars = Array.from(value); // code points, as the warehouse counts them
  return chars.length > LONGER_THAN ? chars.slice(0, KEEP).join('') + STARS : STARS;
}

/** The same as maskValue, in SQL over the expression `e`. */
export function maskSql(d: Dialect, e: Sql, mask: FieldMask): Sql {
  if (mask.mode === 'hide') return sql`NULL`;
  if (mask.mode === 'quoted') return d.replaceRegex(e, QUOTED, `"${STARS}"`);
  if (mask.mode === 'hash') {
    const digest = d.textPrefix(d.md5Hex(sql`concat(${mask.salt}, ${e})`), HASH_DIGITS);
    return sql`(case when ${e} is null then NULL else concat(${'#'}, ${digest}) end)`;
  }
  return sql`(case when ${e} is null then NULL when ${d.textLength(e)} > ${LONGER_THAN} then concat(${d.textPrefix(e, KEEP)}, ${STARS}) else ${STARS} end)`;
}

/** What replaces a masked value inside free text (a hidden one leaves stars). */
const inText = (mask: FieldMask, value: string) => maskValue(mask, value) ?? STARS;

/** Whether a free-text field is hidden whole: free text it holds is masked (a raw line holds the message). */
function textHidden(masks: readonly FieldMask[], dataset: string, field: string): boolean {
  const texts = FREE_TEXT[dataset] ?? [];
  return texts.slice(0, texts.indexOf(field)).some((t) => maskFor(masks, t) !== undefined);
}

/** The masks that redact free text: those on other fields (a masked text is itself masked or hidden). */
const redacting = (masks: readonly FieldMask[], dataset: string) =>
  masks.filter((m) => !isFreeText(dataset, m.field));

/**
 * A dimension's expression as a masked identity sees it: masked when a mask covers it, redacted
 * by the row's masked values when it is free text, else unchanged. `fieldValue` gives the expression
 * of another field of the same row (undefined when unknown: the text is then hidden, fail closed).
 */
export function maskedSql(
  d: Dialect,
  dataset: string,
  field: string,
  e: Sql,
  masks: readonly FieldMask[],
  fieldValue: (field: string) => Sql | undefined,
): Sql {
  if (masks.length === 0) return e;
  const own = maskFor(masks, field);
  if (own) return maskSql(d, e, own);
  if (!FREE_TEXT[dataset]?.includes(field)) return e;
  if (textHidden(masks, dataset, field)) return sql`NULL`;
  let out = e;
  for (const m of redacting(masks, dataset)) {
    // The dialects read top-level members of attrs/keys only: a nested path cannot be found in SQL.
    const v = NESTED.test(m.field) ? undefined : fieldValue(m.field);
    if (!v) return sql`NULL`;
    const replacement = m.mode === 'hide' ? sql`${STARS}` : maskSql(d, v, m);
    out = d.replaceAll(out, v, replacement);
  }
  return out;
}

/** JavaScript twin of maskedSql's free-text branch: `text` with the row's masked values replaced. */
export function redactText(
  text: string,
  dataset: string,
  masks: readonly FieldMask[],
  fieldValue: (field: string) => string | null | undefined,
): string {
  let out = text;
  for (const m of redacting(masks, dataset)) {
    const v = fieldValue(m.field);
    if (v === null || v === undefined || v === '') continue;
    out = out.replaceAll(v, inText(m, v));
  }
  return out;
}

/** Whether a free-text field of a dataset is shown at all under these masks (see textHidden). */
export function textShown(masks: readonly FieldMask[], dataset: string, field: string): boolean {
  return maskFor(masks, field) === undefined && !textHidden(masks, dataset, field);
}

/** Whether `field` is free text of `dataset` (redacted by the other masks rather than masked). */
export const isFreeText = (dataset: string, field: string): boolean =>
  FREE_TEXT[dataset]?.includes(field) ?? false;
