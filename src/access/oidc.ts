// OpenID Connect sign-in, the protocol half: the authorization-code flow with PKCE (S256), state
// and nonce against one configured provider. `start` remembers a one-time state (with its code
// verifier and nonce; in the access store, so the callback may reach another server) and returns the provider's authorization URL; `finish` takes the callback's
// parameters, checks the state (and that the browser presenting it is the one that started: the
// state is also in a cookie), exchanges the code with the verifier, and validates the ID token with
// `jose`: signature by the provider's JWKS (asymmetric algorithms only), iss, aud (and azp), exp,
// then the nonce. What the claims mean for Mortar (user, roles) is decided by access-control.ts.
// `verifyLogoutToken` checks a back-channel logout token the same way (Back-Channel Logout 1.0).
import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, decodeJwt, type JWTPayload, errors as joseErrors, jwtVerify } from 'jose';

export interface OidcSettings {
  /** Shown as "Sign in with <name>". */
  name: string;
  issuer: string;
  clientId: string;
  /** Absent: a public client (PKCE only). */
  clientSecret?: string;
  redirectUrl: string;
  /** Where the provider sends the browser after its logout (RP-Initiated Logout): Mortar's sign-in page. */
  postLogoutRedirectUrl: string;
  scopes: string[];
  userClaim: string;
  rolesFrom: 'claim' | 'store';
  rolesClaim: string;
  /** Claim value -> Mortar roles. */
  roleMap: Record<string, string[]>;
  /** User attribute -> the claim it is read from at every sign-in. */
  attributeClaims: Record<string, string>;
}

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  userinfo_endpoint?: string;
  /** OpenID Connect RP-Initiated Logout 1.0; absent: the provider offers no logout to send the browser to. */
  end_session_endpoint?: string;
}

/** What `start` remembers until the callback. */
export interface PendingSignIn {
  verifier: string;
  nonce: string;
  at: number;
}

/** Where pending sign-ins are kept: the access store (shared by servers on ClickHouse) or memory. */
export interface PendingSignIns {
  putPendingSignIn(state: string, p: PendingSignIn): Promise<void>;
  /** The pending sign-in of `state`, removed: a state is used once. */
  takePendingSignIn(state: string): Promise<PendingSignIn | undefined>;
}

/** A sign-in that the provider vouched for: the user's name and the role names from the claim. */
export interface OidcClaims {
  user: string;
  /** Values of roles_claim (empty when absent). */
  groups: string[];
  subject: string;
  /** The attribute_claims present in the token, as text (absent ones are missing here). */
  attrs: Record<string, string>;
  /** The ID token itself, a credential: kept with the session only as the provider logout's id_token_hint. */
  idToken: string;
}

const PENDING_TTL_MS = 10 * 60_000;
const MAX_PENDING = 10_000;
const TIMEOUT_MS = 10_000;
// Asymmetric only: an HMAC token would be checked with the client secret, which the client knows too.
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

const b64url = (b: Buffer) => b.toString('base64url');

/** A refusal of one sign-in: the message is shown to the person, the reason is audited. */
export class OidcFailure extends Error {
  constructor(
    message: string,
    readonly reason: string,
    readonly user?: string,
  ) {
    super(message);
  }
}

/** Pending sign-ins in this process's memory (one server), the oldest dropped beyond a bound. */
export function memoryPendingSignIns(now: () => number = Date.now): PendingSignIns {
  const pending = new Map<string, PendingSignIn>();
  return {
    async putPendingSignIn(state, p) {
      const t = now();
      for (const [k, x] of pending) if (x.at < t - PENDING_TTL_MS) pending.delete(k);
      if (pending.size >= MAX_PENDING) pending.delete(pending.keys().next().value!);
      pending.set(state, p);
    },
    async takePendingSignIn(state) {
      const p = pending.get(state);
      pending.delete(state);
      return p;
    },
  };
}

/** Who a back-channel logout token ends: the provider session (sid) and/or the subject (sub). */
export interface LogoutClaims {
  sid?: string;
  sub?: string;
}

/** The event a logout token must carry (Back-Channel Logout 1.0, section 2.4). */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
// A logout token is sent the moment the provider session ends: an older one is refused, which also
// bounds how long its jti must be remembered.
const LOGOUT_MAX_AGE_S = 600;
const CLOCK_TOLERANCE_S = 30;
const MAX_SEEN_JTI = 10_000;
// typ values of tokens that are not logout tokens (at+jwt, ...) are refused: no other JWT of the provider passes for one.
const LOGOUT_TYPS = new Set(['logout+jwt', 'application/logout+jwt', 'jwt']);

/**
 * Whether an ID token kept with a session belongs to what a logout token ends: same issuer, and the
 * logout's sid (and sub, when it has both), or with only a sub, that sub. The stored token was
 * verified at sign-in, so it is only decoded here.
 */
export function sessionMatches(idToken: string, logout: LogoutClaims, issuer: string): boolean {
  let c: JWTPayload;
  try {
    c = decodeJwt(idToken);
  } catch {
    return false;
  }
  if (c.iss !== issuer) return false;
  if (logout.sid !== undefined)
    return c.sid === logout.sid && (logout.sub === undefined || c.sub === logout.sub);
  return logout.sub !== undefined && c.sub === logout.sub;
}

export class OidcClient {
  private discovery?: Promise<Discovery>;
  private jwks?: ReturnType<typeof createRemoteJWKSet>;
  /** jti of accepted logout tokens -> until when (ms) the token itself would still pass. Per server. */
  private readonly seenJti = new Map<string, number>();

  constructor(
    readonly settings: OidcSettings,
    private readonly now: () => number = Date.now,
    private readonly pending: PendingSignIns = memoryPendingSignIns(now),
  ) {}

  private discover(): Promise<Discovery> {
    this.discovery ??= (async () => {
      const url = `${this.settings.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
      const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
      if (!res.ok) throw new Error(`${url} answered ${res.status}`);
      const d = (await res.json()) as Partial<Discovery>;
      for (const k of ['issuer', 'authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const)
        if (typeof d[k] !== 'string') throw new Error(`${url} has no ${k}`);
      // The discovery document must be the configured issuer's own (OpenID Connect Discovery 4.3).
      if (d.issuer !== this.settings.issuer)
        throw new Error(`${url} names issuer ${d.issuer}, not ${this.settings.issuer}`);
      this.jwks = createRemoteJWKSet(new URL(d.jwks_uri!), { timeoutDuration: TIMEOUT_MS });
      return d as Discovery;
    })();
    // A provider that was down is asked again next time.
    this.discovery.catch(() => {
      this.discovery = undefined;
    });
    return this.discovery;
  }

  private async provider(): Promise<Discovery> {
    try {
      return await this.discover();
    } catch (e) {
      throw new OidcFailure(
        `the sign-in provider ${this.settings.name} cannot be reached; try again later`,
        `discovery: ${(e as Error).message}`,
      );
    }
  }

  /** Starts a sign-in: the state to bind to the browser (cookie) and the URL to send it to. */
  async start(): Promise<{ state: string; url: string }> {
    const d = await this.provider();
    const state = b64url(randomBytes(32));
    const verifier = b64url(randomBytes(32));
    const nonce = b64url(randomBytes(32));
    await this.pending.putPendingSignIn(state, { verifier, nonce, at: this.now() });
    const url = new URL(d.authorization_endpoint);
    const scopes = new Set(['openid', ...this.settings.scopes]);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', this.settings.clientId);
    url.searchParams.set('redirect_uri', this.settings.redirectUrl);
    url.searchParams.set('scope', [...scopes].join(' '));
    url.searchParams.set('state', state);
    url.searchParams.set('nonce', nonce);
    url.searchParams.set('code_challenge', b64url(createHash('sha256').update(verifier).digest()));
    url.searchParams.set('code_challenge_method', 'S256');
    return { state, url: url.toString() };
  }

  /** Completes a sign-in from the callback's query and the state cookie; throws OidcFailure when refused. */
  async finish(
    query: Record<string, string | undefined>,
    cookieState: string | undefined,
  ): Promise<OidcClaims> {
    const { state, code, error } = query;
    // One use, whatever happens next.
    const p = state === undefined ? undefined : await this.pending.takePendingSignIn(state);
    if (error !== undefined)
      throw new OidcFailure(
        `${this.settings.name} refused the sign-in: ${query.error_description ?? error}`,
        `provider error: ${error}`,
      );
    if (!state || !p || cookieState !== state || p.at < this.now() - PENDING_TTL_MS)
      throw new OidcFailure(
        'this sign-in expired or was not started in this browser; start again',
        !p ? 'unknown state' : cookieState !== state ? 'state cookie mismatch' : 'state expired',
      );
    if (!code) throw new OidcFailure('the provider sent no authorization code; start again', 'no code');
    const d = await this.provider();
    const { idToken, accessToken } = await this.exchange(d, code, p.verifier);
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(idToken, this.jwks!, {
        issuer: this.settings.issuer,
        audience: this.settings.clientId,
        algorithms: ALGORITHMS,
        requiredClaims: ['exp', 'iat', 'sub'],
        clockTolerance: 30,
      }));
    } catch (e) {
      throw new OidcFailure(
        'the identity token could not be verified; start again or ask an admin',
        `id token: ${tokenProblem(e)}`,
      );
    }
    // With several audiences the token must be meant for this client (OpenID Connect Core 3.1.3.7).
    if (Array.isArray(claims.aud) && claims.aud.length > 1 && claims.azp !== this.settings.clientId)
      throw new OidcFailure('the identity token is meant for another client', 'id token: azp mismatch');
    if (claims.nonce !== p.nonce)
      throw new OidcFailure(
        'the identity token does not belong to this sign-in; start again',
        'nonce mismatch',
      );
    claims = await this.withUserinfo(d, claims, accessToken);
    const user = claims[this.settings.userClaim];
    if (typeof user !== 'string' || user.trim() === '' || user.length > 200)
      throw new OidcFailure(
        `the identity token has no usable "${this.settings.userClaim}" claim to name the user`,
        `no ${this.settings.userClaim} claim`,
      );
    const raw = claims[this.settings.rolesClaim];
    const groups =
      typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw.filter((g) => typeof g === 'string') : [];
    const attrs: Record<string, string> = {};
    for (const [attr, claim] of Object.entries(this.settings.attributeClaims)) {
      const v = Array.isArray(claims[claim]) ? (claims[claim] as unknown[])[0] : claims[claim];
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') attrs[attr] = String(v);
    }
    return { user, groups, subject: String(claims.sub), attrs, idToken };
  }

  /**
   * The provider's logout URL for an ended OIDC session (RP-Initiated Logout 1.0, section 2), or
   * undefined when the provider has no end_session_endpoint or cannot be reached now (the Mortar
   * session is gone either way). The ID token goes along as id_token_hint so the provider knows
   * whose session to end without asking; post_logout_redirect_uri must be registered there.
   */
  async logoutUrl(idToken: string | null): Promise<string | undefined> {
    let d: Discovery;
    try {
      d = await this.discover();
    } catch {
      return undefined;
    }
    if (typeof d.end_session_endpoint !== 'string') return undefined;
    let url: URL;
    try {
      url = new URL(d.end_session_endpoint);
    } catch {
      return undefined;
    }
    url.searchParams.set('client_id', this.settings.clientId);
    url.searchParams.set('post_logout_redirect_uri', this.settings.postLogoutRedirectUrl);
    if (idToken) url.searchParams.set('id_token_hint', idToken);
    return url.toString();
  }

  /**
   * Validates a back-channel logout token (OpenID Connect Back-Channel Logout 1.0, section 2.6):
   * signed by the provider's JWKS like the ID token, iss, aud, iat (not older than 10 minutes), exp
   * when present, jti, the logout event, sid and/or sub, and no nonce (so an ID token never passes
   * for one). A jti seen before on this server within the token's lifetime is a replay. Throws
   * OidcFailure (reason audited, message answered) when refused.
   */
  async verifyLogoutToken(token: string): Promise<LogoutClaims> {
    const refuse = (reason: string): never => {
      throw new OidcFailure(`logout token refused: ${reason}`, `logout token: ${reason}`);
    };
    await this.provider();
    let claims: JWTPayload;
    try {
      const { payload, protectedHeader } = await jwtVerify(token, this.jwks!, {
        issuer: this.settings.issuer,
        audience: this.settings.clientId,
        algorithms: ALGORITHMS,
        requiredClaims: ['iat', 'jti'],
        maxTokenAge: LOGOUT_MAX_AGE_S,
        clockTolerance: CLOCK_TOLERANCE_S,
        currentDate: new Date(this.now()),
      });
      if (protectedHeader.typ !== undefined && !LOGOUT_TYPS.has(protectedHeader.typ.toLowerCase()))
        refuse(`typ ${protectedHeader.typ.slice(0, 40)}`);
      claims = payload;
    } catch (e) {
      if (e instanceof OidcFailure) throw e;
      return refuse(tokenProblem(e));
    }
    // events: a JSON object whose logout member is itself a JSON object (usually {}).
    const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
    if (
      !isObject(claims.events) ||
      !isObject((claims.events as Record<string, unknown>)[BACKCHANNEL_LOGOUT_EVENT])
    )
      refuse('no back-channel logout event');
    if (claims.nonce !== undefined) refuse('has a nonce');
    const sid = typeof claims.sid === 'string' && claims.sid !== '' ? claims.sid : undefined;
    const sub = typeof claims.sub === 'string' && claims.sub !== '' ? claims.sub : undefined;
    if (sid === undefined && sub === undefined) refuse('neither sid nor sub');
    const jti = String(claims.jti);
    const t = this.now();
    for (const [k, until] of this.seenJti) if (until <= t) this.seenJti.delete(k);
    if (this.seenJti.has(jti)) refuse('replayed jti');
    // Remembered as long as the token would pass: until it expires or grows too old, whichever is first.
    const until =
      Math.min(claims.exp ?? Number.POSITIVE_INFINITY, claims.iat! + LOGOUT_MAX_AGE_S) * 1000 +
      CLOCK_TOLERANCE_S * 1000;
    if (this.seenJti.size >= MAX_SEEN_JTI) this.seenJti.delete(this.seenJti.keys().next().value!);
    this.seenJti.set(jti, until);
    return { ...(sid !== undefined ? { sid } : {}), ...(sub !== undefined ? { sub } : {}) };
  }

  /**
   * The ID token's claims, completed from the userinfo endpoint when a claim Mortar reads (the
   * user, the roles, the attributes) is missing from the token and the provider has one (many
   * providers put groups only there). Its `sub` must be the token's (OpenID Connect Core 5.3.2);
   * the ID token's own values win.
   */
  private async withUserinfo(d: Discovery, claims: JWTPayload, accessToken?: string): Promise<JWTPayload> {
    const s = this.settings;
    const wanted = [
      s.userClaim,
      ...(s.rolesFrom === 'claim' ? [s.rolesClaim] : []),
      ...Object.values(s.attributeClaims),
    ];
    if (!d.userinfo_endpoint || !accessToken || wanted.every((c) => claims[c] !== undefined)) return claims;
    let info: Record<string, unknown>;
    try {
      const res = await fetch(d.userinfo_endpoint, {
        headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      info = (await res.json()) as Record<string, unknown>;
      if (typeof info !== 'object' || info === null || Array.isArray(info))
        throw new Error('not a JSON object');
    } catch (e) {
      throw new OidcFailure(
        `${s.name} did not tell who signed in (userinfo); start again or ask an admin`,
        `userinfo: ${(e as Error).message}`,
      );
    }
    if (info.sub !== claims.sub)
      throw new OidcFailure(
        'the provider described another user than the one signed in',
        'userinfo: sub mismatch',
      );
    return { ...info, ...claims };
  }

  /** The authorization code and the PKCE verifier for the ID token (token endpoint, RFC 6749 4.1.3). */
  private async exchange(
    d: Discovery,
    code: string,
    verifier: string,
  ): Promise<{ idToken: string; accessToken?: string }> {
    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: this.settings.redirectUrl,
      code_verifier: verifier,
    });
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    if (this.settings.clientSecret !== undefined) {
      // client_secret_basic: both parts form-encoded first (RFC 6749 2.3.1).
      const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
      headers.authorization = `Basic ${Buffer.from(`${enc(this.settings.clientId)}:${enc(this.settings.clientSecret)}`).toString('base64')}`;
    } else form.set('client_id', this.settings.clientId);
    let res: Response;
    try {
      res = await fetch(d.token_endpoint, {
        method: 'POST',
        headers,
        body: form,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (e) {
      throw new OidcFailure(
        `${this.settings.name} could not be reached to complete the sign-in`,
        `token endpoint: ${(e as Error).message}`,
      );
    }
    const body = (await res.json().catch(() => ({}))) as {
      id_token?: unknown;
      access_token?: unknown;
      error?: unknown;
    };
    if (!res.ok || typeof body.id_token !== 'string')
      throw new OidcFailure(
        `${this.settings.name} did not accept the sign-in code; start again`,
        `token endpoint: ${res.status} ${typeof body.error === 'string' ? body.error : 'no id_token'}`,
      );
    return {
      idToken: body.id_token,
      ...(typeof body.access_token === 'string' ? { accessToken: body.access_token } : {}),
    };
  }
}

function tokenProblem(e: unknown): string {
  if (e instanceof joseErrors.JWTExpired) return 'expired';
  if (e instanceof joseErrors.JWSSignatureVerificationFailed) return 'bad signature';
  if (e instanceof joseErrors.JWTClaimValidationFailed) return `claim ${e.claim}: ${e.reason}`;
  if (e instanceof joseErrors.JWKSNoMatchingKey) return 'no matching key';
  return (e as Error).message;
}
