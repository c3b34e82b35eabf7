// Top-level component: picks the page for the current path inside the app shell.
import { EventsPage } from './events/EventsPage.tsx';
import { useLocation } from './lib/router.ts';
import { AppShell } from './shell/AppShell.tsx';
import { Button } from './ui/Button.tsx';
import { EmptyState } from './ui/EmptyState.tsx';

export function App() {
  const { pathname, search } = useLocation();
  const page =
    pathname === '/' || pathname === '/events' ? (
      <EventsPage search={search} />
    ) : (
      <EmptyState
        icon="alert"
        title="Page not found"
        action={<Button onClick={() => history.back()}>Go back</Button>}
      >
        There is no page at <code>{pathname}</code>. The Events page is in the navigation on the left.
      </EmptyState>
    );
  return <AppShell pathname={pathname}>{page}</AppShell>;
}
