// Sign-in through the configured OpenID Connect provider: /api/auth/oidc/login sends the browser
// to the provider (state bound to it by a short-lived cookie), /api/auth/oidc/callback completes
// the flow and starts the same session as a password login (session + CSRF cookies), then sends
// the browser to the app. A refused sign-in is audited and lands on the sign-in page with the
// reason (?signin_error=...), never with a session. /api/auth/oidc/backchannel-logout is the
// provider's server calling (Back-Channel Logout 1.0): no browser, so no session and no CSRF; the
// signed logout token is the only credential, and it ends the Mortar sessions of its sid or sub.
import type { Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AccessControl } from '../../access/access-control.ts';
import { type LogoutClaims, type OidcClient, OidcFailure, sessionMatches } from '../../access/oidc.ts';
import { UserError } from '../../events/errors.ts';
import { clientAddress } from '../auth.ts';
import { startSession } from './auth.ts';

export const OIDC_LOGIN = '/api/auth/oidc/login';
export const OIDC_BACKCHANNEL_LOGOUT = '/api/auth/oidc/backchannel-logout';
/** A logout token is a few hundred bytes: a larger body is refused (unread when its length is declared). */
const MAX_LOGOUT_BODY = 64 * 1024;
const OIDC_COOKIE = 'mortar_oidc';
const COOKIE_PATH = '/api/auth/oidc';

const isSecure = (c: Context) =>
  new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';

/** Back to the app's sign-in page with the reason (the page shows it). */
const refused = (c: Context, message: string) =>
  c.redirect(`/?signin_error=${encodeURIComponent(message)}`, 302);

export function oidcRoutes(app: Hono, access: AccessControl | undefined, oidc: OidcClient | undefined): void {
  const need = (): { a: AccessControl; o: OidcClient } => {
    if (!access || !oidc)
      throw new UserError('not_found', 'no OpenID Connect provider is configured', [
        {
          where: 'access.oidc',
          message: 'absent (or access.enabled is false)',
          hint: 'configure access.oidc in mortar.yaml, or sign in with a password',
        },
      ]);
    return { a: access, o: oidc };
  };

  app.get(OIDC_LOGIN, async (c) => {
    const { a, o } = need();
    try {
      const { state, url } = await o.start();
      // Lax, not Strict: the provider's redirect back is a cross-site navigation, and it must carry this.
      setCookie(c, OIDC_COOKIE, state, {
        httpOnly: true,
        sameSite: 'Lax',
        path: COOKIE_PATH,
        secure: isSecure(c),
        maxAge: 600,
      });
      return c.redirect(url, 302);
    } catch (e) {
      if (!(e instanceof OidcFailure)) throw e;
      await a.audit({
        actor: '(oidc)',
        action: 'login',
        outcome: 'failed',
        ip: clientAddress(c),
        detail: { method: 'oidc', reason: e.reason },
      });
      return refused(c, e.message);
    }
  });

  app.get('/api/auth/oidc/callback', async (c) => {
    const { a, o } = need();
    const ip = clientAddress(c);
    const cookieState = getCookie(c, OIDC_COOKIE);
    deleteCookie(c, OIDC_COOKIE, { path: COOKIE_PATH });
    try {
      await a.countAttempt(ip, '(oidc)');
      const claims = await o.finish(c.req.query(), cookieState);
      startSession(c, await a.oidcLogin(claims, ip));
      return c.redirect('/', 302);
    } catch (e) {
      if (e instanceof UserError && e.code === 'rate_limited') return refused(c, e.message); // audited by the limiter
      if (!(e instanceof OidcFailure)) throw e;
      await a.audit({
        actor: e.user ?? '(oidc)',
        action: 'login',
        // denied: the provider vouched for the person but Mortar gives them no access; failed: the flow broke
        outcome: e.user === undefined ? 'failed' : 'denied',
        ip,
        detail: { method: 'oidc', reason: e.reason },
      });
      return refused(c, e.message);
    }
  });

  app.post(OIDC_BACKCHANNEL_LOGOUT, async (c) => {
    const { a, o } = need();
    const ip = clientAddress(c);
    // The provider caches nothing of the answer (section 2.8).
    c.header('cache-control', 'no-store');
    const bad = async (reason: string, description: string) => {
      await a.audit({
        actor: '(oidc)',
        action: 'logout',
        outcome: 'failed',
        ip,
        detail: { method: 'oidc-backchannel', reason },
      });
      return c.json({ error: 'invalid_request', error_description: description }, 400);
    };
    const type = c.req.header('content-type') ?? '';
    if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(type))
      return bad(
        `content-type ${type.slice(0, 100) || '(none)'}`,
        'expected a form-encoded body with logout_token',
      );
    if (Number(c.req.header('content-length') ?? 0) > MAX_LOGOUT_BODY)
      return bad('body too large', 'the body is too large for a logout token');
    const text = await c.req.text();
    if (text.length > MAX_LOGOUT_BODY)
      return bad('body too large', 'the body is too large for a logout token');
    const token = new URLSearchParams(text).get('logout_token');
    if (!token) return bad('no logout_token', 'logout_token is missing');
    let who: LogoutClaims;
    try {
      who = await o.verifyLogoutToken(token);
    } catch (e) {
      if (!(e instanceof OidcFailure)) throw e;
      return bad(e.reason, e.message);
    }
    const ended = (await a.store.oidcSessions(Date.now())).filter((s) =>
      sessionMatches(s.idToken, who, o.settings.issuer),
    );
    await a.store.deleteSessionsByHash(ended.map((s) => s.idHash));
    const users = [...new Set(ended.map((s) => s.user))];
    await a.audit({
      actor: users.length === 1 ? users[0]! : '(oidc)',
      action: 'logout',
      outcome: 'ok',
      ip,
      detail: {
        method: 'oidc-backchannel',
        ...who,
        sessionsEnded: ended.length,
        ...(users.length > 1 ? { users } : {}),
      },
    });
    return c.body(null, 200);
  });
}
