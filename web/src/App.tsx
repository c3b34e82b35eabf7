// Top-level component: picks the page for the current path inside the app shell. The Cockpit and the
// Alert flows pages load lazily (with their graph and chart code), so the Events page stays small.
import { lazy, type ReactNode, Suspense } from 'react';
import { DeadLettersPage } from './deadletters/DeadLettersPage.tsx';
import { EventsPage } from './events/EventsPage.tsx';
import { useLocation } from './lib/router.ts';
import { PipelineDetailPage } from './pipelines/PipelineDetailPage.tsx';
import { PipelinesPage } from './pipelines/PipelinesPage.tsx';
import { AppShell } from './shell/AppShell.tsx';
import { Button } from './ui/Button.tsx';
import { EmptyState } from './ui/EmptyState.tsx';
import { Spinner } from './ui/Spinner.tsx';

const CockpitPage = lazy(() => import('./cockpit/CockpitPage.tsx').then((m) => ({ default: m.CockpitPage })));
const FlowsPage = lazy(() => import('./flows/FlowsPage.tsx').then((m) => ({ default: m.FlowsPage })));
const AlertPage = lazy(() => import('./flows/AlertPage.tsx').then((m) => ({ default: m.AlertPage })));

export function App() {
  const { pathname, search } = useLocation();
  const pipeline = /^\/pipelines\/([^/]+)\/?$/.exec(pathname)?.[1];
  const alert = /^\/flows\/([^/]+)\/alerts\/([^/]+)\/?$/.exec(pathname);
  let page: ReactNode;
  if (pathname === '/' || pathname === '/events') page = <EventsPage search={search} />;
  else if (pathname === '/cockpit' || pathname === '/cockpit/') page = <CockpitPage search={search} />;
  else if (pathname === '/flows' || pathname === '/flows/') page = <FlowsPage search={search} />;
  else if (alert) {
    const [flow, root] = [safeDecode(alert[1]!), safeDecode(alert[2]!)];
    page = <AlertPage key={`${flow}/${root}`} flow={flow} root={root} search={search} />;
  } else if (pathname === '/pipelines' || pathname === '/pipelines/') page = <PipelinesPage />;
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
  return (
    <AppShell pathname={pathname}>
      <Suspense fallback={<PageLoading />}>{page}</Suspense>
    </AppShell>
  );
}

function PageLoading() {
  return (
    <div style={{ display: 'grid', placeItems: 'center', minHeight: 320 }}>
      <Spinner size="lg" label="Loading the page" />
    </div>
  );
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
