// Who is signed in, for the whole app: loads /api/auth/me, shows the sign-in page when access
// control is on and nobody is signed in (or the session ends: any 401 re-checks), and offers the
// answer to every component through `useMe()`. The server enforces; this only decides what to show.
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import type { MeResponse } from '../../../src/api/types.ts';
import { UNAUTHORIZED_EVENT } from '../lib/api.ts';
import { useApi } from '../lib/useApi.ts';
import { Spinner } from '../ui/Spinner.tsx';
import { LoginPage } from './LoginPage.tsx';

const LOCAL: MeResponse = { enabled: false, user: 'local', roles: ['admin'], permissions: [] };
const MeContext = createContext<{ me: MeResponse; refresh: () => void }>({ me: LOCAL, refresh: () => {} });

export function useMe(): MeResponse {
  return useContext(MeContext).me;
}

export function useRefreshMe(): () => void {
  return useContext(MeContext).refresh;
}

/** In single-user mode everything is allowed; otherwise the permissions the server listed. */
export function can(me: MeResponse, permission: string): boolean {
  return !me.enabled || me.permissions.includes(permission);
}

export function SessionGate({ children }: { children: ReactNode }) {
  const [tick, setTick] = useState(0);
  const me = useApi<MeResponse>('/api/auth/me', tick);
  useEffect(() => {
    const onUnauthorized = () => setTick((t) => t + 1);
    window.addEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
    return () => window.removeEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
  }, []);
  const refresh = () => setTick((t) => t + 1);
  if (!me.data) {
    if (me.error?.message)
      return (
        <div className="session-gate" role="alert">
          {me.error.message}
        </div>
      );
    return (
      <div style={{ display: 'grid', placeItems: 'center', minHeight: '100vh' }}>
        <Spinner size="lg" label="Checking your session" />
      </div>
    );
  }
  if (me.data.enabled && me.data.user === null) return <LoginPage onSignedIn={refresh} oidc={me.data.oidc} />;
  return <MeContext.Provider value={{ me: me.data, refresh }}>{children}</MeContext.Provider>;
}
