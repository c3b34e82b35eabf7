// The sign-in page, shown instead of the app while access control is on and nobody is signed in.
// Wrong credentials, lockout and rate limiting come back as the server's messages. With an OpenID
// Connect provider configured it also offers "Sign in with <provider>": a full-page navigation to
// the server, which comes back here with ?signin_error=... when the sign-in was refused.
import { type FormEvent, useState } from 'react';
import type { MeResponse } from '../../../src/api/types.ts';
import { postJson } from '../lib/api.ts';
import { Logo } from '../shell/Logo.tsx';
import { Button } from '../ui/Button.tsx';
import './LoginPage.css';

/** The refusal the server sent back from a provider sign-in, taken out of the address bar. */
function takeSigninError(): string | undefined {
  const url = new URL(window.location.href);
  const message = url.searchParams.get('signin_error');
  if (message === null) return undefined;
  url.searchParams.delete('signin_error');
  window.history.replaceState(null, '', url.toString());
  return message;
}

export function LoginPage({ onSignedIn, oidc }: { onSignedIn: () => void; oidc?: MeResponse['oidc'] }) {
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>(takeSigninError);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await postJson<MeResponse>('/api/auth/login', { user: user.trim(), password });
      onSignedIn();
    } catch (err) {
      setError((err as Error).message);
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login">
      <form className="login__card" onSubmit={submit} aria-label="Sign in">
        <div className="login__brand">
          <Logo size={36} />
          <div>
            <div className="login__name">Mortar</div>
            <div className="login__tagline">System of systems cockpit</div>
          </div>
        </div>
        <h1 className="login__title">Sign in</h1>
        <label className="login__field">
          <span>User name</span>
          <input
            name="username"
            autoComplete="username"
            value={user}
            onChange={(e) => setUser(e.target.value)}
            required
          />
        </label>
        <label className="login__field">
          <span>Password</span>
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {error && (
          <p className="login__error" role="alert">
            {error}
          </p>
        )}
        <Button type="submit" variant="primary" disabled={busy || !user || !password}>
          {busy ? 'Signing in…' : 'Sign in'}
        </Button>
        {oidc && (
          <>
            <div className="login__or" aria-hidden="true">
              or
            </div>
            <Button onClick={() => window.location.assign(oidc.loginUrl)} disabled={busy}>
              Sign in with {oidc.name}
            </Button>
          </>
        )}
        <p className="login__hint">Accounts are created by an administrator (mortar user add).</p>
      </form>
    </main>
  );
}
