// The access section of the configuration turned into settings, with the checks zod cannot make:
// every permission a role names must exist (a typo would otherwise silently grant nothing), and
// every mask must name a text dimension of a dataset (a mask on nothing would protect nothing).
import { randomBytes } from 'node:crypto';
import type { Config } from '../config/load.ts';
import type { AccessConfig } from '../config/schema.ts';
import { type ErrorDetail, UserError } from '../events/errors.ts';
import { parseDurationMs } from '../events/time.ts';
import { findDimension } from '../reports/dataset.ts';
import { datasets } from '../reports/datasets.ts';
import { type AccessSettings, DEFAULT_ACCESS } from './access-control.ts';
import type { MaskRule } from './masks.ts';
import type { OidcSettings } from './oidc.ts';
import { isPermission, PERMISSIONS, type Permission } from './permissions.ts';
import { type RoleDef, roleTable } from './roles.ts';
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
  const masks: MaskRule[] = [];
  const known = datasets([]);
  (a.masks ?? []).forEach((m, i) => {
    const where = (key: string) => config.locate(['access', 'masks', i, key]);
    const ds = Object.hasOwn(known, m.dataset) ? known[m.dataset] : undefined;
    const dim = ds ? findDimension(ds, m.field) : undefined;
    if (!ds)
      errors.push({
        where: where('dataset'),
        message: `unknown dataset "${m.dataset}"`,
        hint: `use one of ${Object.keys(known).join(', ')}`,
      });
    else if (!dim && !(m.dataset === 'events' && m.field === 'raw'))
      errors.push({
        where: where('field'),
        message: `dataset ${m.dataset} has no field "${m.field}"`,
        hint: `use one of ${[
          ...Object.entries(ds.dimensions)
            .filter(([, dim]) => dim.type === 'string')
            .map(([n]) => n),
          ...Object.keys(ds.dynamic ?? {}).map((p) => `${p}.<name>`),
        ].join(', ')}`,
      });
    else if (dim && dim.type !== 'string')
      errors.push({
        where: where('field'),
        message: `"${m.field}" is a ${dim.type} field; only text fields can be masked`,
        hint: 'mask a text field, or limit the rows with a role scope instead',
      });
    if (!isPermission(m.unless))
      errors.push({
        where: where('unless'),
        message: `unknown permission "${m.unless}"`,
        hint: `use one of ${PERMISSIONS.join(', ')}`,
      });
    else masks.push({ dataset: m.dataset, field: m.field, mode: m.mode, unless: m.unless });
  });
  const oidc = a.oidc ? oidcSettings(config, a.oidc, roleTable(roles), errors) : undefined;
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
    masks,
    maskSalt: a.mask_salt ?? randomBytes(16).toString('hex'),
    ...(oidc ? { oidc } : {}),
  };
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Mortar's sign-in page behind a callback URL: the app's root (which shows the sign-in page when
 * signed out), keeping a path prefix a reverse proxy may add before /api/auth/oidc/callback.
 */
export function signInPageOf(redirectUrl: string): string {
  const u = new URL(redirectUrl);
  const prefix = u.pathname.endsWith(OIDC_CALLBACK_PATH)
    ? u.pathname.slice(0, -OIDC_CALLBACK_PATH.length)
    : '';
  return new URL(`${prefix}/`, u.origin).toString();
}
const OIDC_CALLBACK_PATH = '/api/auth/oidc/callback';

/** access.oidc checked: https URLs (plain http only on loopback), known roles, the secret present. */
function oidcSettings(
  config: Config,
  o: NonNullable<AccessConfig['oidc']>,
  roles: Record<string, RoleDef>,
  errors: ErrorDetail[],
): OidcSettings {
  const where = (...path: (string | number)[]) => config.locate(['access', 'oidc', ...path]);
  for (const key of ['issuer', 'redirect_url', 'post_logout_redirect_url'] as const) {
    if (o[key] === undefined) continue;
    const u = new URL(o[key]);
    if (u.protocol !== 'https:' && !(u.protocol === 'http:' && LOOPBACK.has(u.hostname)))
      errors.push({
        where: where(key),
        message: `${o[key]} is not https`,
        hint: 'use an https:// URL (plain http is accepted only on loopback, for tests)',
      });
  }
  const roleMap: Record<string, string[]> = {};
  for (const [group, mapped] of Object.entries(o.role_map)) {
    const list = typeof mapped === 'string' ? [mapped] : mapped;
    for (const r of list)
      if (!Object.hasOwn(roles, r))
        errors.push({
          where: where('role_map', group),
          message: `unknown role "${r}"`,
          hint: `use one of ${Object.keys(roles).join(', ')}`,
        });
    roleMap[group] = list;
  }
  if (o.roles_from === 'claim' && Object.keys(roleMap).length === 0)
    errors.push({
      where: where('role_map'),
      message: 'roles_from: claim without a role_map would let nobody in',
      hint: 'map group names of the roles_claim to roles, e.g. role_map: {mortar-admins: admin}, or use roles_from: store',
    });
  let clientSecret: string | undefined;
  if (o.client_secret_env !== undefined) {
    clientSecret = process.env[o.client_secret_env];
    if (!clientSecret)
      errors.push({
        where: where('client_secret_env'),
        message: `the environment variable ${o.client_secret_env} is not set`,
        hint: 'set it to the client secret, or remove client_secret_env for a public client',
      });
  }
  return {
    name: o.name,
    issuer: o.issuer,
    clientId: o.client_id,
    ...(clientSecret ? { clientSecret } : {}),
    redirectUrl: o.redirect_url,
    postLogoutRedirectUrl: o.post_logout_redirect_url ?? signInPageOf(o.redirect_url),
    scopes: o.scopes,
    userClaim: o.user_claim,
    rolesFrom: o.roles_from,
    rolesClaim: o.roles_claim,
    roleMap,
    attributeClaims: o.attribute_claims,
  };
}

/** Where the access store lives for a configuration. */
export const accessStorePath = (config: Config): string => `${config.dataDir}/access.sqlite`;
