// The gate in front of every API route: resolves who is asking (session cookie, bearer token, or
// the local identity when access control is off), checks CSRF on state-changing cookie requests,
// and refuses what the route's rule does not allow, auditing each denial. Handlers read the
// identity with `identityOf(c)`; a request without one never reaches them.
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AccessControl } from '../access/access-control.ts';
import { type Identity, LOCAL_IDENTITY } from '../access/identity.ts';
import { UserError } from '../events/errors.ts';
import { isGuarded, ruleFor } from './access-rules.ts';

export const SESSION_COOKIE = 'mortar_session';
export const CSRF_COOKIE = 'mortar_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const identities = new WeakMap<Request, Identity>();
const revalidators = new WeakMap<Request, () => Promise<boolean>>();

/** For long-lived responses (the live stream): whether the request's session or token is still valid now. */
export function stillSignedIn(c: Context): () => Promise<boolean> {
  return revalidators.get(c.req.raw) ?? (async () => identities.has(c.req.raw));
}

/** The identity the gate resolved for this request (fails closed when there is none). */
export function identityOf(c: Context): Identity {
  const id = identities.get(c.req.raw);
  if (!id) throw new UserError('unauthorized', 'sign in first');
  return id;
}

export function clientAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export function authGate(access: AccessControl | undefined): MiddlewareHandler {
  const enabled = access?.settings.enabled === true;
  return async (c, next) => {
    const path = c.req.path;
    if (!isGuarded(path)) return next();
    const method = c.req.method;
    const rule = ruleFor(method, path);
    // Fail closed: a path without a rule is answered here and never reaches a handler. Every
    // registered route has a rule (a test walks them all), so this is an unknown path.
    if (rule === undefined)
      throw new UserError('not_found', `no API route ${method} ${path}`, [
        { where: path, message: 'unknown route', hint: 'the routes are listed in /api/openapi.json' },
      ]);

    let identity: Identity | undefined;
    let csrf: string | undefined;
    if (!enabled || !access) identity = LOCAL_IDENTITY;
    else {
      const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
      if (bearer) {
        identity = await access.tokenIdentity(bearer);
        if (!identity) throw new UserError('unauthorized', 'this API token is unknown, expired or revoked');
        revalidators.set(c.req.raw, async () => (await access.tokenIdentity(bearer)) !== undefined);
      } else {
        const cookie = getCookie(c, SESSION_COOKIE);
        const s = cookie ? await access.sessionIdentity(cookie) : undefined;
        identity = s?.identity;
        csrf = s?.session.csrf;
        if (cookie && s)
          revalidators.set(c.req.raw, async () => (await access.sessionIdentity(cookie)) !== undefined);
      }
    }
    if (identity) identities.set(c.req.raw, identity);
    if (rule === 'public') return next();
    if (!identity)
      throw new UserError('unauthorized', 'sign in first', [
        { where: path, message: 'no session', hint: 'POST /api/auth/login' },
      ]);

    if (csrf !== undefined && !SAFE.has(method) && c.req.header(CSRF_HEADER) !== csrf) {
      await access?.audit({
        actor: identity.user,
        action: 'csrf',
        target: `${method} ${path}`,
        outcome: 'denied',
        ip: clientAddress(c),
      });
      throw new UserError('forbidden', 'missing or wrong CSRF token', [
        {
          where: CSRF_HEADER,
          message: 'state-changing requests need the token',
          hint: `send the ${CSRF_COOKIE} cookie's value in the ${CSRF_HEADER} header`,
        },
      ]);
    }
    if (rule !== 'signed_in' && !identity.permissions.has(rule)) {
      await access?.audit({
        actor: identity.viewAsBy ? `${identity.viewAsBy} as ${identity.user}` : identity.user,
        action: 'denied',
        target: `${method} ${path}`,
        outcome: 'denied',
        ip: clientAddress(c),
        detail: { permission: rule },
      });
      throw new UserError('forbidden', `this needs the "${rule}" permission`, [
        {
          where: path,
          message: `your roles: ${identity.roles.join(', ') || '(none)'}`,
          hint: 'ask an admin for a role that grants it',
        },
      ]);
    }
    return next();
  };
}
