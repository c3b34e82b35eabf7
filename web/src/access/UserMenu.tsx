// The signed-in user in the top bar: name (link to the account page) and sign out (through the OIDC
// provider's logout when the session began there); while an admin views as another user, a banner
// says so with a way back.
import type { LogoutResponse } from '../../../src/api/types.ts';
import { postJson } from '../lib/api.ts';
import { linkHandler, navigate } from '../lib/router.ts';
import { Button } from '../ui/Button.tsx';
import { Icon } from '../ui/Icon.tsx';
import { useMe, useRefreshMe } from './session.tsx';

export function UserMenu() {
  const me = useMe();
  const refresh = useRefreshMe();
  if (!me.enabled || !me.user) return null;
  const signOut = async () => {
    const res = await postJson<LogoutResponse>('/api/auth/logout', {}).catch(() => undefined);
    // Signed in through the OIDC provider: end its session too (it sends the browser back to the
    // sign-in page), so the next "Sign in with ..." asks for credentials again.
    if (res?.logoutUrl) window.location.assign(res.logoutUrl);
    else refresh();
  };
  return (
    <span className="topbar__user">
      <a
        href="/account"
        onClick={linkHandler('/account')}
        className="topbar__user-name"
        title={me.roles.join(', ')}
      >
        <Icon name="user" size={16} />
        {me.user}
      </a>
      <Button size="sm" variant="ghost" onClick={signOut}>
        Sign out
      </Button>
    </span>
  );
}

export function ViewAsBanner() {
  const me = useMe();
  const refresh = useRefreshMe();
  if (!me.viewAsBy) return null;
  const stop = async () => {
    await postJson('/api/auth/view-as/stop', {}).catch(() => undefined);
    refresh();
    navigate('/admin');
  };
  return (
    <div className="viewas-banner" role="status">
      <span>
        You ({me.viewAsBy}) are viewing Mortar as <strong>{me.user}</strong> and see only what they see; this
        is audited.
      </span>
      <Button size="sm" onClick={stop}>
        Back to my view
      </Button>
    </div>
  );
}
