// Top bar: product mark and name on the left, live status and server version on the right.
import type { HealthResponse } from '../../../src/api/types.ts';
import { UserMenu } from '../access/UserMenu.tsx';
import { linkHandler } from '../lib/router.ts';
import { useApi } from '../lib/useApi.ts';
import { LiveIndicator } from './LiveIndicator.tsx';
import { Logo } from './Logo.tsx';
import './TopBar.css';

export function TopBar() {
  const health = useApi<HealthResponse>('/api/health');
  return (
    <header className="topbar">
      <a className="topbar__brand" href="/" onClick={linkHandler('/')}>
        <Logo size={30} />
        <span className="topbar__name">Mortar</span>
        <span className="topbar__tagline">System of systems cockpit</span>
      </a>
      <div className="topbar__right">
        {health.data && (
          <span className="topbar__meta" title={`Warehouse: ${health.data.warehouse.dialect}`}>
            v{health.data.version} · {health.data.warehouse.dialect}
          </span>
        )}
        <LiveIndicator />
        <UserMenu />
      </div>
    </header>
  );
}
