// Which fields an identity sees masked: every configured mask (access.masks) whose `unless`
// permission the identity lacks, bound to the dataset it names. Dead letters are unparsed lines in
// which no field can be found, so any mask on `events` also hides their raw lines (fail closed),
// and with it their text in the dead-letter dataset of reports; the quoted parts of their reasons
// (which may quote a failed value) are hidden too. What a mask does to a value is
// defined once, in reports/field-masks.ts.
import type { ConfiguredMaskMode, FieldMask } from '../reports/field-masks.ts';
import type { Permission } from './permissions.ts';

export interface MaskRule {
  dataset: string;
  field: string;
  mode: ConfiguredMaskMode;
  unless: Permission;
}

const NONE: readonly FieldMask[] = Object.freeze([]);

/** The masks of one dataset for an identity holding `permissions`. */
export function masksFor(
  rules: readonly MaskRule[],
  permissions: ReadonlySet<Permission>,
  salt: string,
  dataset: string,
): readonly FieldMask[] {
  const applying = rules.filter((r) => !permissions.has(r.unless));
  const own: FieldMask[] = applying
    .filter((r) => r.dataset === dataset)
    .map((r) => ({ field: r.field, mode: r.mode, salt }));
  // A reason may quote the input that failed (a value that did not convert): quoted parts hidden.
  if (dataset === 'dead_letters' && applying.some((r) => r.dataset === 'events'))
    own.push({ field: 'raw', mode: 'hide', salt }, { field: 'reason', mode: 'quoted', salt });
  return own.length ? Object.freeze(own) : NONE;
}
