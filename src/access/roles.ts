// Roles: named sets of permissions. Four built-in roles cover the common cases; the configuration
// may add roles or redefine a built-in one. A user's roles combine (union of permissions).
import type { Permission } from './permissions.ts';
import { PERMISSIONS } from './permissions.ts';
import type { RoleScopes } from './scopes.ts';

export interface RoleDef {
  permissions: readonly Permission[];
  description?: string;
  /** Row scopes per dataset (see scopes.ts); absent: this role sees every row. */
  scopes?: RoleScopes;
}

export const BUILTIN_ROLES: Record<string, RoleDef> = {
  admin: { permissions: PERMISSIONS, description: 'everything' },
  analyst: {
    permissions: ['view_cockpit', 'view_reports', 'edit_reports', 'view_raw', 'export', 'view_dead_letters'],
    description: 'explores data, writes reports',
  },
  viewer: { permissions: ['view_cockpit', 'view_reports'], description: 'cockpit and reports, no raw lines' },
  auditor: { permissions: ['view_audit', 'view_reports'], description: 'reads the audit log' },
};

/** Every role known under a configuration: the built-in ones, overridden or extended by config. */
export function roleTable(configured: Record<string, RoleDef> = {}): Record<string, RoleDef> {
  return { ...BUILTIN_ROLES, ...configured };
}

/** The union of the permissions of `roles`; unknown role names grant nothing (fail closed). */
export function permissionsOf(roles: readonly string[], table: Record<string, RoleDef>): Set<Permission> {
  const out = new Set<Permission>();
  for (const r of roles) for (const p of table[r]?.permissions ?? []) out.add(p);
  return out;
}
