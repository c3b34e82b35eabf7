// Field masks on mined pattern templates. A template is the words its messages share with
// `<*>` for the ones that varied, so a masked value that was the same in all of them (the one
// operator who acknowledged every alarm of a kind) stays in its text. A masked identity sees each
// template with the masked values of the events mapped to it replaced as in their messages
// (redactText, the function event search uses; a mask on the message itself masks the template as
// it masks a message). The values are looked up per template, at most TEMPLATE_VALUES_LIMIT
// distinct ones per field: a template with more, or one whose values cannot be looked up (a mask
// on a nested member, attrs.a.b), is shown as HIDDEN_TEMPLATE with `templateHidden` set (fail closed).
import { OVERFLOW_ID } from '../process/patterns/miner.ts';
import { templateFieldValues, templateKey } from '../process/patterns/template-values.ts';
import { findDimension } from '../reports/dataset.ts';
import { datasets } from '../reports/datasets.ts';
import { isFreeText, maskFor, maskValue, redactText } from '../reports/field-masks.ts';
import type { Identity } from '../reports/secure.ts';
import type { Sql } from '../warehouse/sql.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';

/** Distinct values per field and template looked up at most; a template with more is hidden. */
export const TEMPLATE_VALUES_LIMIT = 1000;
/** The text shown instead of a template whose masked values could not all be replaced. */
export const HIDDEN_TEMPLATE = '(hidden: may contain masked values)';

const EVENTS = datasets([]).events!;
/** A member below a top-level one of attrs/keys: the warehouse dialects read top-level members only. */
const NESTED = /^(attrs|keys)\.[^.]+\./;

export interface Templated {
  pipeline: string;
  id: string;
  template: string;
}

/** A templated item as shown: `templateHidden` when its text was replaced by HIDDEN_TEMPLATE. */
export type Shown<T extends Templated> = T & { templateHidden?: boolean };

/** `items` as `identity` sees their template texts (new objects where a text changed). */
export async function maskTemplates<T extends Templated>(
  warehouse: Warehouse,
  identity: Identity,
  items: readonly T[],
): Promise<Shown<T>[]> {
  const masks = identity.masksOf('events');
  if (masks.length === 0 || items.length === 0) return [...items];
  const hidden = (t: T): Shown<T> => ({ ...t, template: HIDDEN_TEMPLATE, templateHidden: true });
  // The overflow bucket's template is a bare wildcard that Mortar writes: nothing to redact.
  const own = (t: T) => t.id === OVERFLOW_ID;
  const messageMask = maskFor(masks, 'message');
  if (messageMask)
    return items.map((t) => {
      if (own(t)) return t;
      const shown = maskValue(messageMask, t.template);
      return shown === null ? hidden(t) : { ...t, template: shown };
    });
  const fieldNames = [...new Set(masks.filter((m) => !isFreeText('events', m.field)).map((m) => m.field))];
  if (fieldNames.length === 0) return [...items];
  const d = warehouse.sqlDialect;
  const fields = new Map<string, Sql>();
  for (const f of fieldNames) {
    const expr = NESTED.test(f) ? undefined : findDimension(EVENTS, f)?.expr({ d });
    if (!expr) return items.map((t) => (own(t) ? t : hidden(t)));
    fields.set(f, expr);
  }
  const looked = items.filter((t) => !own(t));
  const byTemplate = await templateFieldValues(warehouse, looked, fields, TEMPLATE_VALUES_LIMIT);
  return items.map((t) => {
    if (own(t)) return t;
    const found = byTemplate.get(templateKey(t));
    // Nothing maps to it (a write between the template and its mapping on ClickHouse): its values
    // are unknown. Too many values: not looked up. Either way hidden whole.
    if (!found || found.tooMany) return hidden(t);
    let text = t.template;
    // Longest first, so a value inside a longer one cannot leave the rest of the longer one shown.
    for (const [field, values] of found.values)
      for (const v of [...values].sort((a, b) => b.length - a.length))
        text = redactText(text, 'events', masks, (f) => (f === field ? v : null));
    return text === t.template ? t : { ...t, template: text };
  });
}
