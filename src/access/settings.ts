// The access section of the configuration turned into settings, with the checks zod cannot make:
// every permission a role names must exist (a typo would otherwise silently grant nothing).
import type { Config } from '../config/load.ts';
import { type ErrorDetail, UserError } from '../events/errors.ts';
import { parseDurationMs } from '../events/time.ts';
import { type AccessSettings, DEFAULT_ACCESS } from './access-control.ts';
import { isPermission, PERMISSIONS, type Permission } from './permissions.ts';
import type { RoleDef } from './roles.ts';
import { parseScopeRule } from './scopes.ts';

export function accessSettings(config: Config): AccessSettings {
  const a = config.access;
  if (!a) return DEFAULT_ACCESS;
  const errors: ErrorDetail[] = [];
  const roles: Record<string, RoleDef> = {};
  for (const [role, def] of Object.entries(a.roles ?? {})) {
    const permissions: Permission[] = [];
    def.permissions.forEach((p, i) => {
      if (isPermission(p)) permissions.push(p);
      else
        errors.push({
          where: config.locate(['access', 'roles', role, 'permissions', i]),
          message: `unknown permission "${p}"`,
          hint: `use one of ${PERMISSIONS.join(', ')}`,
        });
    });
    for (const [dataset, rules] of Object.entries(def.scopes ?? {}))
      rules.forEach((rule, i) => {
        const parsed = parseScopeRule(rule);
        if (typeof parsed === 'string')
          errors.push({
            where: config.locate(['access', 'roles', role, 'scopes', dataset, i]),
            message: `scope rule "${rule}": ${parsed}`,
            hint: 'e.g. "subsystem in [video, console]" or "attrs.site = {user.site}"',
          });
      });
    roles[role] = { permissions, description: def.description, scopes: def.scopes };
  }
  if (errors.length) throw new UserError('config_invalid', 'the access section has errors', errors);
  return {
    enabled: a.enabled,
    sessionTtlMs: parseDurationMs(a.session_ttl) ?? DEFAULT_ACCESS.sessionTtlMs,
    lockout: {
      attempts: a.lockout.attempts,
      durationMs: parseDurationMs(a.lockout.duration) ?? DEFAULT_ACCESS.lockout.durationMs,
    },
    loginsPerMinute: a.logins_per_minute,
    roles,
  };
}

/** Where the access store lives for a configuration. */
export const accessStorePath = (config: Config): string => `${config.dataDir}/access.sqlite`;
