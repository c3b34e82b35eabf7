// A small OpenID Connect provider for tests, on loopback: discovery, JWKS (a fresh RSA key), an
// /authorize that signs the configured person in at once and redirects back with a code, and a
// /token that checks the client, the redirect URI and the PKCE verifier (S256) before it returns a
// signed ID token. `next` says who signs in and how the token should be spoiled, so tests can drive
// a real relying party through good and bad flows. With `sessions`, /authorize asks for credentials
// (a one-button page) unless the browser has the provider's session cookie, and /end_session
// (RP-Initiated Logout, advertised in discovery) records each call, ends that session and sends the
// browser to post_logout_redirect_uri. ID tokens carry a `sid` (the provider session), and
// `logoutToken` signs back-channel logout tokens for tests to POST to the relying party.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

export interface NextSignIn {
  claims: Record<string, unknown>;
  /** Claims only the userinfo endpoint tells (with `sub` unless given here). */
  userinfo?: Record<string, unknown>;
  /** Spoil the ID token: wrong nonce, foreign signing key, expired, or for another audience. */
  spoil?: 'nonce' | 'signature' | 'expired' | 'audience';
}

interface Issued {
  challenge: string;
  method: string;
  nonce: string;
  redirectUri: string;
  claims: Record<string, unknown>;
  userinfo?: Record<string, unknown>;
}

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  next: NextSignIn;
  /** Token requests refused for a wrong PKCE verifier. */
  verifierMismatches: number;
  /** Every ID token issued, in order. */
  idTokens: string[];
  /** With `sessions`: times the credentials page was shown (a sign-in without a provider session). */
  loginPrompts: number;
  /** With `sessions`: the query of every /end_session call. */
  endSessionCalls: Record<string, string>[];
  /**
   * A back-channel logout token (Back-Channel Logout 1.0, 2.4) signed with the provider's key (or
   * a foreign one): iss, aud, iat, exp, jti, the logout event and typ logout+jwt unless `claims`
   * or `typ` say otherwise (a claim given as undefined is left out).
   */
  logoutToken(claims: Record<string, unknown>, o?: { foreignKey?: boolean; typ?: string }): Promise<string>;
  close(): Promise<void>;
}

/** The provider session's cookie (host-only on 127.0.0.1, which ignores ports: named apart from Mortar's). */
const SESSION_COOKIE = 'test_provider_session';

export async function startProvider(
  clientId: string,
  clientSecret: string,
  options: { sessions?: boolean } = {},
): Promise<TestProvider> {
  const kid = 'test-key';
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const foreign = await generateKeyPair('RS256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const codes = new Map<string, Issued>();
  const accessTokens = new Map<string, Issued>();
  const state: TestProvider = {
    issuer: '',
    clientId,
    clientSecret,
    next: { claims: {} },
    verifierMismatches: 0,
    idTokens: [],
    loginPrompts: 0,
    endSessionCalls: [],
    logoutToken: async (claims, o = {}) => {
      const now = Math.floor(Date.now() / 1000);
      const all: Record<string, unknown> = {
        iss: state.issuer,
        aud: clientId,
        iat: now,
        exp: now + 120,
        jti: randomBytes(12).toString('hex'),
        events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
        ...claims,
      };
      for (const [k, v] of Object.entries(all)) if (v === undefined) delete all[k];
      return new SignJWT(all)
        .setProtectedHeader({ alg: 'RS256', kid, typ: o.typ ?? 'logout+jwt' })
        .sign(o.foreignKey ? foreign.privateKey : privateKey);
    },
    close: () =>
      new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
  const sessions = new Set<string>();
  const sessionOf = (req: { headers: { cookie?: string } }) =>
    (req.headers.cookie ?? '')
      .split(/;\s*/)
      .find((c) => c.startsWith(`${SESSION_COOKIE}=`))
      ?.slice(SESSION_COOKIE.length + 1);

  const idToken = async (i: Issued, spoil: NextSignIn['spoil']) => {
    const now = Math.floor(Date.now() / 1000);
    const t = await new SignJWT({ ...i.claims, nonce: spoil === 'nonce' ? 'not-the-nonce' : i.nonce })
      .setProtectedHeader({ alg: 'RS256', kid })
      .setIssuer(state.issuer)
      .setAudience(spoil === 'audience' ? 'another-client' : clientId)
      .setIssuedAt(spoil === 'expired' ? now - 3600 : now)
      .setExpirationTime(spoil === 'expired' ? now - 600 : now + 300)
      .sign(spoil === 'signature' ? foreign.privateKey : privateKey);
    state.idTokens.push(t);
    return t;
  };
  const readBody = (req: IncomingMessage) =>
    new Promise<string>((r) => {
      let body = '';
      req.on('data', (d: Buffer) => {
        body += d.toString();
      });
      req.on('end', () => r(body));
    });

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', state.issuer);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/.well-known/openid-configuration')
      return json(200, {
        issuer: state.issuer,
        authorization_endpoint: `${state.issuer}/authorize`,
        token_endpoint: `${state.issuer}/token`,
        jwks_uri: `${state.issuer}/jwks`,
        userinfo_endpoint: `${state.issuer}/userinfo`,
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
        id_token_signing_alg_values_supported: ['RS256'],
        ...(options.sessions ? { end_session_endpoint: `${state.issuer}/end_session` } : {}),
        backchannel_logout_supported: true,
        backchannel_logout_session_supported: true,
      });
    if (url.pathname === '/jwks') return json(200, { keys: [jwk] });
    if (url.pathname === '/authorize') {
      const q = url.searchParams;
      const redirectUri = q.get('redirect_uri') ?? '';
      if (q.get('client_id') !== clientId || q.get('response_type') !== 'code' || !redirectUri)
        return json(400, { error: 'invalid_request' });
      const sid = sessionOf(req);
      if (options.sessions && (sid === undefined || !sessions.has(sid))) {
        // No provider session: ask for credentials (one button; who signs in is still `next`).
        state.loginPrompts++;
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return res.end(`<!doctype html><title>Test provider</title><h1>Test provider: sign in</h1>
<form method="post" action="/login"><input type="hidden" name="continue" value="${url.pathname}${url.search.replace(/"/g, '&quot;')}">
<button type="submit">Sign in at the test provider</button></form>`);
      }
      const code = randomBytes(16).toString('hex');
      codes.set(code, {
        challenge: q.get('code_challenge') ?? '',
        method: q.get('code_challenge_method') ?? '',
        nonce: q.get('nonce') ?? '',
        redirectUri,
        claims: {
          sub: `sub-${String(state.next.claims.preferred_username)}`,
          // The provider session (Back-Channel Logout's sid): each sign-in is one without `sessions`.
          sid: sid ?? randomBytes(8).toString('hex'),
          ...state.next.claims,
        },
        ...(state.next.userinfo ? { userinfo: state.next.userinfo } : {}),
      });
      const back = new URL(redirectUri);
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state') ?? '');
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      let body = '';
      req.on('data', (d: Buffer) => {
        body += d.toString();
      });
      req.on('end', () => {
        void (async () => {
          const f = new URLSearchParams(body);
          const basic = Buffer.from(`${clientId}:${clientSecret}`).toString('base64');
          if (req.headers.authorization !== `Basic ${basic}`) return json(401, { error: 'invalid_client' });
          const i = codes.get(f.get('code') ?? '');
          codes.delete(f.get('code') ?? '');
          if (!i || f.get('grant_type') !== 'authorization_code' || f.get('redirect_uri') !== i.redirectUri)
            return json(400, { error: 'invalid_grant' });
          const verifier = f.get('code_verifier') ?? '';
          const computed = createHash('sha256').update(verifier).digest('base64url');
          if (i.method !== 'S256' || computed !== i.challenge) {
            state.verifierMismatches++;
            return json(400, { error: 'invalid_grant', error_description: 'PKCE verification failed' });
          }
          const accessToken = randomBytes(16).toString('hex');
          accessTokens.set(accessToken, i);
          json(200, {
            access_token: accessToken,
            token_type: 'Bearer',
            expires_in: 300,
            id_token: await idToken(i, state.next.spoil),
          });
        })();
      });
      return;
    }
    if (url.pathname === '/login' && req.method === 'POST' && options.sessions) {
      void readBody(req).then((body) => {
        const next = new URLSearchParams(body).get('continue') ?? '';
        if (!next.startsWith('/authorize?')) return json(400, { error: 'invalid_request' });
        const sid = randomBytes(16).toString('hex');
        sessions.add(sid);
        res.writeHead(302, {
          location: next,
          'set-cookie': `${SESSION_COOKIE}=${sid}; Path=/; HttpOnly; SameSite=Lax`,
        });
        res.end();
      });
      return;
    }
    if (url.pathname === '/end_session' && options.sessions) {
      const q = Object.fromEntries(url.searchParams);
      state.endSessionCalls.push(q);
      const sid = sessionOf(req);
      if (sid !== undefined) sessions.delete(sid);
      const headers: Record<string, string> = { 'set-cookie': `${SESSION_COOKIE}=; Path=/; Max-Age=0` };
      const back = q.post_logout_redirect_uri;
      if (!back) {
        res.writeHead(200, { ...headers, 'content-type': 'text/plain' });
        return res.end('signed out');
      }
      const to = new URL(back);
      if (q.state) to.searchParams.set('state', q.state);
      res.writeHead(302, { ...headers, location: to.toString() });
      return res.end();
    }
    if (url.pathname === '/userinfo') {
      const i = accessTokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
      if (!i) return json(401, { error: 'invalid_token' });
      return json(200, { sub: i.claims.sub, ...i.userinfo });
    }
    json(404, { error: 'not_found' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  state.issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
