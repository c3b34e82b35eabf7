// Sign-in and the signed-in user's own account: login/logout (session cookie + CSRF cookie),
// who am I, password change, and personal API tokens.
import type { Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AccessControl, LoggedIn } from '../../access/access-control.ts';
import type { Identity } from '../../access/identity.ts';
import { OidcClient } from '../../access/oidc.ts';
import { checkPasswordPolicy, hashPassword, verifyPassword } from '../../access/password.ts';
import { isPermission, type Permission } from '../../access/permissions.ts';
import type { TokenRow } from '../../access/store.ts';
import { UserError } from '../../events/errors.ts';
import { parseDurationMs } from '../../events/time.ts';
import { CSRF_COOKIE, clientAddress, identityOf, SESSION_COOKIE } from '../auth.ts';
import type { LogoutResponse, MeResponse, NewTokenResponse, TokenInfo } from '../types.ts';
import { OIDC_LOGIN, oidcRoutes } from './oidc.ts';

export function me(identity: Identity | undefined, enabled: boolean): MeResponse {
  if (!identity) return { enabled, user: null, roles: [], permissions: [] };
  return {
    enabled,
    user: identity.user,
    roles: [...identity.roles],
    permissions: [...identity.permissions].sort(),
    viewAsBy: identity.viewAsBy,
  };
}

/** Sets the session (HttpOnly) and CSRF (readable by the page) cookies; Secure when served over TLS. */
export function startSession(c: Context, s: LoggedIn): void {
  const secure = new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
  const maxAge = Math.max(1, Math.floor((s.expiresAt - Date.now()) / 1000));
  setCookie(c, SESSION_COOKIE, s.token, { httpOnly: true, sameSite: 'Strict', path: '/', secure, maxAge });
  setCookie(c, CSRF_COOKIE, s.csrf, { httpOnly: false, sameSite: 'Strict', path: '/', secure, maxAge });
}

export const tokenInfo = (t: TokenRow): TokenInfo => ({
  id: t.id,
  user: t.user,
  name: t.name,
  permissions: t.permissions,
  createdAt: new Date(t.createdAt).toISOString(),
  expiresAt: t.expiresAt === null ? null : new Date(t.expiresAt).toISOString(),
  revokedAt: t.revokedAt === null ? null : new Date(t.revokedAt).toISOString(),
  lastUsedAt: t.lastUsedAt === null ? null : new Date(t.lastUsedAt).toISOString(),
});

async function body(c: Context): Promise<Record<string, unknown>> {
  const b = (await c.req.json().catch(() => undefined)) as unknown;
  if (!b || typeof b !== 'object' || Array.isArray(b))
    throw new UserError('bad_request', 'expected a JSON object body', [
      { where: 'body', message: 'not a JSON object', hint: 'send Content-Type: application/json' },
    ]);
  return b as Record<string, unknown>;
}

function str(b: Record<string, unknown>, key: string): string {
  const v = b[key];
  if (typeof v !== 'string' || v === '')
    throw new UserError('bad_request', `"${key}" is required`, [
      { where: `body.${key}`, message: 'missing or not a string' },
    ]);
  return v;
}

/** Checks a token request's permissions (all must exist) and expiry (a duration such as 30d). */
export function tokenRequest(
  b: Record<string, unknown>,
  now: number,
): { name: string; permissions: Permission[]; expiresAt: number | null } {
  const name = str(b, 'name');
  const raw = b.permissions;
  if (!Array.isArray(raw) || raw.length === 0 || !raw.every((p) => typeof p === 'string' && isPermission(p)))
    throw new UserError('bad_request', '"permissions" must list permissions the token may use', [
      { where: 'body.permissions', message: JSON.stringify(raw), hint: 'e.g. ["view_reports", "export"]' },
    ]);
  let expiresAt: number | null = null;
  if (b.expires !== undefined && b.expires !== null) {
    const ms = typeof b.expires === 'string' ? parseDurationMs(b.expires) : undefined;
    if (ms === undefined || ms <= 0)
      throw new UserError('bad_request', '"expires" must be a duration such as 30d or 12h', [
        { where: 'body.expires', message: String(b.expires) },
      ]);
    expiresAt = now + ms;
  }
  return { name, permissions: raw as Permission[], expiresAt };
}

export function authRoutes(app: Hono, access: AccessControl | undefined): void {
  const enabled = access?.settings.enabled === true;
  // Pending sign-ins live in the access store: on a shared one the callback may reach another server.
  const oidc =
    enabled && access?.settings.oidc
      ? new OidcClient(access.settings.oidc, Date.now, access.store)
      : undefined;
  const need = (): AccessControl => {
    if (!access || !enabled)
      throw new UserError('bad_request', 'access control is off: there is nothing to sign in to', [
        {
          where: 'access.enabled',
          message: 'false',
          hint: 'set access.enabled: true in mortar.yaml and add users with `mortar user add`',
        },
      ]);
    return access;
  };

  app.post('/api/auth/login', async (c) => {
    const a = need();
    // JSON only: a cross-site HTML form (text/plain, urlencoded, multipart) needs no CORS preflight
    // and could otherwise sign a victim into the attacker's account (login CSRF).
    const type = c.req.header('content-type') ?? '';
    if (!/^application\/json\s*(;|$)/i.test(type))
      throw new UserError('bad_request', 'sign-in expects a JSON body', [
        { where: 'content-type', message: type || '(none)', hint: 'send Content-Type: application/json' },
      ]);
    const b = await body(c);
    const s = await a.login(str(b, 'user'), str(b, 'password'), clientAddress(c));
    startSession(c, s);
    return c.json(me(s.identity, true));
  });

  app.get('/api/auth/me', (c) => {
    let identity: Identity | undefined;
    try {
      identity = identityOf(c);
    } catch {
      identity = undefined;
    }
    const body = me(identity, enabled);
    if (oidc) body.oidc = { name: oidc.settings.name, loginUrl: OIDC_LOGIN };
    return c.json(body);
  });

  oidcRoutes(app, access, oidc);

  app.post('/api/auth/logout', async (c) => {
    const a = need();
    const cookie = getCookie(c, SESSION_COOKIE);
    // An OIDC-born session ends at the provider too when it offers that (single logout): the page
    // goes to logoutUrl once this session is gone. The ID token leaves only inside that URL.
    const ended = cookie
      ? await a.logout(cookie, identityOf(c), clientAddress(c), oidc && ((t) => oidc.logoutUrl(t)))
      : {};
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    deleteCookie(c, CSRF_COOKIE, { path: '/' });
    const res: LogoutResponse = { ok: true };
    if (ended.providerLogoutUrl) res.logoutUrl = ended.providerLogoutUrl;
    return c.json(res);
  });

  app.post('/api/auth/password', async (c) => {
    const a = need();
    const id = identityOf(c);
    if (id.kind !== 'user' || id.viewAsBy)
      throw new UserError('forbidden', 'only a signed-in user changes their own password');
    const b = await body(c);
    const user = await a.store.user(id.user);
    if (!user?.passwordHash || !(await verifyPassword(user.passwordHash, str(b, 'current')))) {
      await a.audit({ actor: id.user, action: 'password_change', outcome: 'failed', ip: clientAddress(c) });
      throw new UserError('unauthorized', 'the current password is wrong');
    }
    const next = str(b, 'next');
    checkPasswordPolicy(next);
    await a.store.updateUser(id.user, { passwordHash: await hashPassword(next) });
    await a.audit({ actor: id.user, action: 'password_change', outcome: 'ok', ip: clientAddress(c) });
    // Changing the password ended every session, this one too: start a fresh one.
    const user2 = (await a.store.user(id.user))!;
    const s = await a.store.createSession(id.user, Date.now(), a.settings.sessionTtlMs);
    startSession(c, { identity: a.identityOf(user2), ...s });
    return c.json(me(a.identityOf(user2), true));
  });

  app.get('/api/auth/tokens', async (c) => {
    const a = need();
    return c.json({ tokens: (await a.store.tokens(identityOf(c).user)).map(tokenInfo) });
  });

  app.post('/api/auth/tokens', async (c) => {
    const a = need();
    const id = identityOf(c);
    if (id.kind !== 'user' || id.viewAsBy)
      throw new UserError('forbidden', 'tokens are created by their user, signed in');
    const req = tokenRequest(await body(c), Date.now());
    const missing = req.permissions.filter((p) => !id.permissions.has(p));
    if (missing.length)
      throw new UserError(
        'forbidden',
        `a token cannot have permissions its user lacks: ${missing.join(', ')}`,
      );
    const t = await a.store.createToken({ user: id.user, ...req }, Date.now());
    await a.audit({
      actor: id.user,
      action: 'token_create',
      target: t.id,
      outcome: 'ok',
      ip: clientAddress(c),
      detail: { name: req.name, permissions: req.permissions },
    });
    const info = (await a.store.tokens(id.user)).find((x) => x.id === t.id)!;
    const res: NewTokenResponse = { token: t.token, info: tokenInfo(info) };
    return c.json(res, 201);
  });

  app.delete('/api/auth/tokens/:id', async (c) => {
    const a = need();
    const id = identityOf(c);
    if (!(await a.store.revokeToken(c.req.param('id'), Date.now(), id.user)))
      throw new UserError('not_found', `no active token "${c.req.param('id')}" of yours`);
    await a.audit({
      actor: id.user,
      action: 'token_revoke',
      target: c.req.param('id'),
      outcome: 'ok',
      ip: clientAddress(c),
    });
    return c.json({ ok: true });
  });
}
