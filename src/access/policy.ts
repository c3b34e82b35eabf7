// The access policy: roles (permissions and row scopes per dataset) and field masks. It comes from
// the configuration (access.roles, access.masks) until an admin saves one on the admin page. A saved
// policy is a new version in the access store's policy log (shared by every server on a ClickHouse
// warehouse) and replaces both configured lists until an admin resets it to the configuration,
// which is itself a version (without a document). Both sources go through the same checks: every
// permission must exist (a typo would silently grant nothing), every scope rule must parse and name
// a dimension of a known dataset (a rule on nothing would hide everything), and every mask must
// name a text field of a dataset (a mask on nothing would protect nothing).
import type { PolicyDoc, PolicyInput } from '../config/schema.ts';
import type { ErrorDetail } from '../events/errors.ts';
import { findDimension } from '../reports/dataset.ts';
import { datasets } from '../reports/datasets.ts';
import type { MaskRule } from './masks.ts';
import { isPermission, PERMISSIONS, type Permission } from './permissions.ts';
import type { RoleDef } from './roles.ts';
import { parseScopeRule } from './scopes.ts';

/** Roles (beside the built-in ones, which a same-named role replaces) and masks. */
export interface Policy {
  roles: Record<string, RoleDef>;
  masks: MaskRule[];
}

/** One version of the policy log: a saved document, or null for "back to the configuration". */
export interface StoredPolicy {
  version: number;
  at: number;
  actor: string;
  /** The document as the admin saved it (PolicyInput as JSON); null: the configuration's policy applies. */
  doc: string | null;
}

/** Where the policy in force came from. */
export type PolicySource =
  | { kind: 'config'; version: number; at?: number; actor?: string }
  | { kind: 'store'; version: number; at: number; actor: string };

type Where = (path: (string | number)[]) => string;

/**
 * Checks a policy document. `where` turns a path inside it into what an error names: a config file
 * position for the configuration, `roles.operator.scopes.events[0]` for the editor.
 */
export function checkPolicy(doc: PolicyInput, where: Where): { policy: Policy; errors: ErrorDetail[] } {
  const errors: ErrorDetail[] = [];
  const known = datasets([]);
  const roles: Record<string, RoleDef> = {};
  for (const [role, def] of Object.entries(doc.roles ?? {})) {
    const permissions: Permission[] = [];
    def.permissions.forEach((p, i) => {
      if (isPermission(p)) permissions.push(p);
      else
        errors.push({
          where: where(['roles', role, 'permissions', i]),
          message: `unknown permission "${p}"`,
          hint: `use one of ${PERMISSIONS.join(', ')}`,
        });
    });
    for (const [dataset, rules] of Object.entries(def.scopes ?? {})) {
      const ds = Object.hasOwn(known, dataset) ? known[dataset] : undefined;
      if (!ds) {
        errors.push({
          where: where(['roles', role, 'scopes', dataset]),
          message: `unknown dataset "${dataset}"`,
          hint: `use one of ${Object.keys(known).join(', ')}`,
        });
        continue;
      }
      rules.forEach((rule, i) => {
        const parsed = parseScopeRule(rule);
        if (typeof parsed === 'string')
          errors.push({
            where: where(['roles', role, 'scopes', dataset, i]),
            message: `scope rule "${rule}": ${parsed}`,
            hint: 'e.g. "subsystem in [video, console]" or "attrs.site = {user.site}"',
          });
        else if (!findDimension(ds, parsed.dimension))
          errors.push({
            where: where(['roles', role, 'scopes', dataset, i]),
            message: `scope rule "${rule}": dataset ${dataset} has no field "${parsed.dimension}"`,
            hint: `use one of ${fieldsOf(dataset, 'any').join(', ')}`,
          });
      });
    }
    roles[role] = {
      permissions,
      ...(def.description ? { description: def.description } : {}),
      ...(def.scopes && Object.keys(def.scopes).length ? { scopes: def.scopes } : {}),
    };
  }
  const masks: MaskRule[] = [];
  (doc.masks ?? []).forEach((m, i) => {
    const at = (key: string) => where(['masks', i, key]);
    const dataset = m.dataset ?? 'events';
    const ds = Object.hasOwn(known, dataset) ? known[dataset] : undefined;
    const dim = ds ? findDimension(ds, m.field) : undefined;
    if (!ds)
      errors.push({
        where: at('dataset'),
        message: `unknown dataset "${dataset}"`,
        hint: `use one of ${Object.keys(known).join(', ')}`,
      });
    else if (!dim && !(dataset === 'events' && m.field === 'raw'))
      errors.push({
        where: at('field'),
        message: `dataset ${dataset} has no field "${m.field}"`,
        hint: `use one of ${fieldsOf(dataset, 'text').join(', ')}`,
      });
    else if (dim && dim.type !== 'string')
      errors.push({
        where: at('field'),
        message: `"${m.field}" is a ${dim.type} field; only text fields can be masked`,
        hint: 'mask a text field, or limit the rows with a role scope instead',
      });
    const unless = m.unless ?? 'view_personal_data';
    if (!isPermission(unless))
      errors.push({
        where: at('unless'),
        message: `unknown permission "${unless}"`,
        hint: `use one of ${PERMISSIONS.join(', ')}`,
      });
    else masks.push({ dataset, field: m.field, mode: m.mode ?? 'partial', unless });
  });
  return { policy: { roles, masks }, errors };
}

/** The fields of a dataset a scope rule (any) or a mask (text) may name; `prefix.<name>` for dynamic ones. */
export function fieldsOf(dataset: string, kind: 'any' | 'text'): string[] {
  const ds = datasets([])[dataset];
  if (!ds) return [];
  return [
    ...Object.entries(ds.dimensions)
      .filter(([, d]) => kind === 'any' || d.type === 'string')
      .map(([n]) => n),
    ...Object.keys(ds.dynamic ?? {}).map((p) => `${p}.<name>`),
  ];
}

/** A policy as a document the editor shows and saves (the inverse of checkPolicy for a valid one). */
export function policyDoc(p: Policy): PolicyDoc {
  return {
    roles: Object.fromEntries(
      Object.entries(p.roles).map(([name, r]) => [
        name,
        {
          permissions: [...r.permissions],
          ...(r.description ? { description: r.description } : {}),
          ...(r.scopes
            ? { scopes: Object.fromEntries(Object.entries(r.scopes).map(([d, rules]) => [d, [...rules]])) }
            : {}),
        },
      ]),
    ),
    masks: p.masks.map((m) => ({ ...m })),
  };
}

/** What changed between two policies, for the audit entry (names only, never values). */
export function policyChange(before: Policy, after: Policy): Record<string, unknown> {
  const b = before.roles;
  const a = after.roles;
  const same = (x: RoleDef, y: RoleDef) =>
    JSON.stringify([[...x.permissions].sort(), x.scopes ?? {}, x.description ?? '']) ===
    JSON.stringify([[...y.permissions].sort(), y.scopes ?? {}, y.description ?? '']);
  const key = (m: MaskRule) => `${m.dataset}:${m.field}:${m.mode}:${m.unless}`;
  const mb = new Set(before.masks.map(key));
  const ma = new Set(after.masks.map(key));
  return {
    rolesAdded: Object.keys(a).filter((r) => !Object.hasOwn(b, r)),
    rolesRemoved: Object.keys(b).filter((r) => !Object.hasOwn(a, r)),
    rolesChanged: Object.keys(a).filter((r) => Object.hasOwn(b, r) && !same(b[r]!, a[r]!)),
    masksAdded: [...ma].filter((m) => !mb.has(m)),
    masksRemoved: [...mb].filter((m) => !ma.has(m)),
  };
}
