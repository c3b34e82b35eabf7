// Top-level component: picks the page for the current path inside the app shell.
import type { ReactNode } from 'react';
import { DeadLettersPage } from './deadletters/DeadLettersPage.tsx';
import { EventsPage } from './events/EventsPage.tsx';
import { useLocation } from './lib/router.ts';
import { PipelineDetailPage } from './pipelines/PipelineDetailPage.tsx';
import { PipelinesPage } from './pipelines/PipelinesPage.tsx';
import { AppShell } from './shell/AppShell.tsx';
import { Button } from './ui/Button.tsx';
import { EmptyState } from './ui/EmptyState.tsx';

export function App() {
  const { pathname, search } = useLocation();
  const pipeline = /^\/pipelines\/([^/]+)\/?$/.exec(pathname)?.[1];
  let page: ReactNode;
  if (pathname === '/' || pathname === '/events') page = <EventsPage search={search} />;
  else if (pathname === '/pipelines' || pathname === '/pipelines/') page = <PipelinesPage />;
  else if (pipeline !== undefined) {
    const name = safeDecode(pipeline);
    page = <PipelineDetailPage key={name} name={name} search={search} />;
  } else if (pathname === '/dead-letters') page = <DeadLettersPage search={search} />;
  else
    page = (
      <EmptyState
        icon="alert"
        title="Page not found"
        action={<Button onClick={() => history.back()}>Go back</Button>}
      >
        There is no page at <code>{pathname}</code>. The pages are in the navigation on the left.
      </EmptyState>
    );
  return <AppShell pathname={pathname}>{page}</AppShell>;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
