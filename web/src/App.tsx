// Top-level component: picks the page for the current path inside the app shell. The Cockpit and the
// Alert flows pages load lazily (with their graph and chart code), so the Events page stays small.
import { lazy, type ReactNode, Suspense } from 'react';
import { SessionGate } from './access/session.tsx';
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
const SubsystemPage = lazy(() =>
  import('./subsystem/SubsystemPage.tsx').then((m) => ({ default: m.SubsystemPage })),
);
const SubsystemsPage = lazy(() =>
  import('./subsystem/SubsystemsPage.tsx').then((m) => ({ default: m.SubsystemsPage })),
);
const ReportsPage = lazy(() => import('./reports/ReportsPage.tsx').then((m) => ({ default: m.ReportsPage })));
const ReportPage = lazy(() => import('./reports/ReportPage.tsx').then((m) => ({ default: m.ReportPage })));
const ReportEditorPage = lazy(() =>
  import('./reports/ReportEditorPage.tsx').then((m) => ({ default: m.ReportEditorPage })),
);

const PatternsPage = lazy(() =>
  import('./patterns/PatternsPage.tsx').then((m) => ({ default: m.PatternsPage })),
);
const CatalogPage = lazy(() => import('./catalog/CatalogPage.tsx').then((m) => ({ default: m.CatalogPage })));
const LinksPage = lazy(() => import('./links/LinksPage.tsx').then((m) => ({ default: m.LinksPage })));
const AccountPage = lazy(() => import('./access/AccountPage.tsx').then((m) => ({ default: m.AccountPage })));
const AdminPage = lazy(() => import('./access/AdminPage.tsx').then((m) => ({ default: m.AdminPage })));
const AuditPage = lazy(() => import('./access/AuditPage.tsx').then((m) => ({ default: m.AuditPage })));

export function App() {
  const { pathname, search } = useLocation();
  const pipeline = /^\/pipelines\/([^/]+)\/?$/.exec(pathname)?.[1];
  const alert = /^\/flows\/([^/]+)\/alerts\/([^/]+)\/?$/.exec(pathname);
  const report = /^\/reports\/([^/]+)(\/edit)?\/?$/.exec(pathname);
  const subsystem = /^\/subsystems\/([^/]+)\/?$/.exec(pathname)?.[1];
  let page: ReactNode;
  if (pathname === '/' || pathname === '/events') page = <EventsPage search={search} />;
  else if (pathname === '/cockpit' || pathname === '/cockpit/') page = <CockpitPage search={search} />;
  else if (pathname === '/flows' || pathname === '/flows/') page = <FlowsPage search={search} />;
  else if (pathname === '/subsystems' || pathname === '/subsystems/')
    page = <SubsystemsPage search={search} />;
  else if (subsystem !== undefined) {
    const name = safeDecode(subsystem);
    page = <SubsystemPage key={name} name={name} search={search} />;
  } else if (alert) {
    const [flow, root] = [safeDecode(alert[1]!), safeDecode(alert[2]!)];
    page = <AlertPage key={`${flow}/${root}`} flow={flow} root={root} search={search} />;
  } else if (pathname === '/pipelines' || pathname === '/pipelines/') page = <PipelinesPage />;
  else if (pipeline !== undefined) {
    const name = safeDecode(pipeline);
    page = <PipelineDetailPage key={name} name={name} search={search} />;
  } else if (pathname === '/dead-letters') page = <DeadLettersPage search={search} />;
  else if (pathname === '/patterns' || pathname === '/patterns/') page = <PatternsPage search={search} />;
  else if (pathname === '/catalog' || pathname === '/catalog/') page = <CatalogPage search={search} />;
  else if (pathname === '/links' || pathname === '/links/') page = <LinksPage />;
  else if (pathname === '/reports' || pathname === '/reports/') page = <ReportsPage search={search} />;
  else if (pathname === '/reports/new' || pathname === '/reports/new/') page = <ReportEditorPage />;
  else if (report) {
    const id = safeDecode(report[1]!);
    page = report[2] ? (
      <ReportEditorPage key={id} id={id} />
    ) : (
      <ReportPage key={id} id={id} search={search} />
    );
  } else if (pathname === '/account') page = <AccountPage />;
  else if (pathname === '/admin') page = <AdminPage />;
  else if (pathname === '/audit') page = <AuditPage />;
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
    <SessionGate>
      <AppShell pathname={pathname}>
        <Suspense fallback={<PageLoading />}>{page}</Suspense>
      </AppShell>
    </SessionGate>
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
