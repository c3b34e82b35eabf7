// The access section of the configuration turned into settings, with the checks zod cannot make
// (roles and masks: policy.ts; OIDC: URLs, roles and the client secret below).
import { randomBytes } from 'node:crypto';
import type { Config } from '../config/load.ts';
import type { AccessConfig } from '../config/schema.ts';
import { type ErrorDetail, UserError } from '../events/errors.ts';
import { parseDurationMs } from '../events/time.ts';
import { type AccessSettings, DEFAULT_ACCESS } from './access-control.ts';
import type { OidcSettings } from './oidc.ts';
import { checkPolicy } from './policy.ts';
import { type RoleDef, roleTable } from './roles.ts';

export function accessSettings(config: Config): AccessSettings {
  const a = config.access;
  if (!a) return DEFAULT_ACCESS;
  const { policy, errors } = checkPolicy(a, (path) => config.locate(['access', ...path]));
  const { roles, masks } = policy;
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
