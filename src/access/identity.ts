// Who is asking: every request and every background job carries an Identity, and every data path
// checks it. `local` is the single-user mode used when access control is switched off (it is
// explicit, never a default of a missing identity).
import { UserError } from '../events/errors.ts';
import type { FieldMask } from '../reports/field-masks.ts';
import type { Permission } from './permissions.ts';
import { PERMISSIONS } from './permissions.ts';
import { type DatasetScope, UNRESTRICTED } from './scopes.ts';

export interface Identity {
  kind: 'user' | 'token' | 'local' | 'system';
  /** User name (for `system`, the job's name). */
  user: string;
  roles: readonly string[];
  permissions: ReadonlySet<Permission>;
  /** User attributes, e.g. site: north, usable in data scopes as {user.site}. */
  attrs: Readonly<Record<string, string>>;
  /** Set when an admin looks through another user's eyes ("view as"): the admin's name. */
  viewAsBy?: string;
  /** The rows of a dataset this identity may see (scopes.ts); every data path asks this. */
  scopeOf(dataset: string): DatasetScope;
  /** The fields of a dataset it sees masked (masks.ts); every path that shows values applies them. */
  masksOf(dataset: string): readonly FieldMask[];
}

/** Single-user mode: access control is off, so the one local user may do everything. */
export const LOCAL_IDENTITY: Identity = Object.freeze({
  kind: 'local',
  user: 'local',
  roles: ['admin'],
  permissions: new Set(PERMISSIONS),
  attrs: {},
  scopeOf: () => UNRESTRICTED,
  masksOf: () => [],
});

/** A background job's own identity, with exactly the permissions it needs. */
export function systemIdentity(job: string, permissions: readonly Permission[]): Identity {
  return {
    kind: 'system',
    user: job,
    roles: [],
    permissions: new Set(permissions),
    attrs: {},
    scopeOf: () => UNRESTRICTED,
    masksOf: () => [],
  };
}

export function can(identity: Identity | undefined, permission: Permission): boolean {
  return identity?.permissions.has(permission) ?? false;
}

export function requirePermission(identity: Identity | undefined, permission: Permission): Identity {
  if (!identity) throw new UserError('unauthorized', 'sign in first', []);
  if (!identity.permissions.has(permission))
    throw new UserError(
      'forbidden',
      `this needs the "${permission}" permission, which ${identity.user} lacks`,
      [
        {
          where: 'roles',
          message: `roles: ${identity.roles.join(', ') || '(none)'}`,
          hint: 'ask an admin for a role that grants it',
        },
      ],
    );
  return identity;
}
