// The frame around every page: top bar, left navigation, scrollable content area. A new page starts
// at the top (a changed query on the same page keeps the scroll position).
import { type ReactNode, useLayoutEffect } from 'react';
import { ViewAsBanner } from '../access/UserMenu.tsx';
import { SideNav } from './SideNav.tsx';
import { TopBar } from './TopBar.tsx';
import './AppShell.css';

export function AppShell({ pathname, children }: { pathname: string; children: ReactNode }) {
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the page (path) changes
  useLayoutEffect(() => {
    window.scrollTo(0, 0);
  }, [pathname]);
  return (
    <div className="shell">
      <TopBar />
      <SideNav pathname={pathname} />
      <main className="shell__content">
        <ViewAsBanner />
        {children}
      </main>
    </div>
  );
}
