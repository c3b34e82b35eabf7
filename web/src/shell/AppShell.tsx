// The frame around every page: top bar, left navigation, scrollable content area.
import type { ReactNode } from 'react';
import { SideNav } from './SideNav.tsx';
import { TopBar } from './TopBar.tsx';
import './AppShell.css';

export function AppShell({ pathname, children }: { pathname: string; children: ReactNode }) {
  return (
    <div className="shell">
      <TopBar />
      <SideNav pathname={pathname} />
      <main className="shell__content">{children}</main>
    </div>
  );
}
