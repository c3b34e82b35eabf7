// Which feature permission each API route needs: one table, read by the one gate in auth.ts. A
// route missing from the table is refused (fail closed) and a test walks every registered route
// to prove each one is covered, so a new route cannot ship ungated by accident.
import type { Permission } from '../access/permissions.ts';

/** `public`: no identity needed; `signed_in`: any identity; otherwise a permission. */
export type Rule = 'public' | 'signed_in' | Permission;

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | '*';

/** First match wins; patterns are anchored; `:x` is one path segment. */
const RULES: [Method, string, Rule][] = [
  ['POST', '/api/auth/login', 'public'],
  ['GET', '/api/auth/me', 'public'],
  // OpenID Connect: the start and the provider's redirect back come before any session exists
  ['GET', '/api/auth/oidc/login', 'public'],
  ['GET', '/api/auth/oidc/callback', 'public'],
  // the provider's server, not a browser: the signed logout token is the credential (routes/oidc.ts)
  ['POST', '/api/auth/oidc/backchannel-logout', 'public'],
  ['*', '/api/auth/*', 'signed_in'],
  ['GET', '/api/health', 'signed_in'],
  ['GET', '/api/openapi.json', 'signed_in'],
  ['*', '/api/admin/*', 'manage_users'],
  ['GET', '/api/audit', 'view_audit'],
  ['POST', '/api/agent/*', 'ingest'],
  // raw lines
  ['GET', '/api/events', 'view_raw'],
  ['GET', '/api/flows/:name/alerts/:root', 'view_raw'],
  ['GET', '/api/dead-letters', 'view_dead_letters'],
  ['POST', '/api/pipelines/:name/try', 'edit_pipelines'],
  // reports
  ['GET', '/api/reports/:id/export.csv', 'export'],
  ['GET', '/api/reports/:id/export.parquet', 'export'],
  ['POST', '/api/reports/validate', 'edit_reports'],
  ['PUT', '/api/reports/:id', 'edit_reports'],
  ['DELETE', '/api/reports/:id', 'edit_reports'],
  ['POST', '/api/reports/:id/views', 'view_reports'],
  ['GET', '/api/reports', 'view_reports'],
  ['GET', '/api/reports/*', 'view_reports'],
  // discovery: reading is part of the cockpit, acting on a link changes the configuration
  ['POST', '/api/links/*', 'edit_pipelines'],
  ['GET', '/api/links', 'view_cockpit'],
  ['GET', '/api/catalog', 'view_cockpit'],
  ['GET', '/api/catalog/*', 'view_cockpit'],
  ['GET', '/api/patterns', 'view_cockpit'],
  ['GET', '/api/patterns/*', 'view_cockpit'],
  // cockpit
  ['GET', '/api/subsystems', 'view_cockpit'],
  ['GET', '/api/subsystems/*', 'view_cockpit'],
  ['GET', '/api/volume', 'view_cockpit'],
  ['GET', '/api/live', 'view_cockpit'],
  ['GET', '/api/ingest', 'view_cockpit'],
  ['GET', '/api/pipelines', 'view_cockpit'],
  ['GET', '/api/pipelines/*', 'view_cockpit'],
  ['GET', '/api/topology', 'view_cockpit'],
  ['GET', '/api/states', 'view_cockpit'],
  ['GET', '/api/states/*', 'view_cockpit'],
  ['GET', '/api/availability', 'view_cockpit'],
  ['GET', '/api/flows', 'view_cockpit'],
  ['GET', '/api/flows/*', 'view_cockpit'],
  ['GET', '/metrics', 'view_cockpit'],
];

const compiled = RULES.map(([method, pattern, rule]) => ({
  method,
  pattern,
  rule,
  re: new RegExp(
    `^${pattern
      .split('/')
      .map((seg) =>
        seg === '*' ? '.+' : seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
      )
      .join('/')}$`,
  ),
}));

/** The rule for a request to the API (or /metrics); undefined: no rule, so refused. */
export function ruleFor(method: string, path: string): Rule | undefined {
  const m = method === 'HEAD' ? 'GET' : method;
  return compiled.find((r) => (r.method === '*' || r.method === m) && r.re.test(path))?.rule;
}

/** Paths the gate guards: the API and the metrics endpoint; the web app's files are public. */
export const isGuarded = (path: string): boolean =>
  path.startsWith('/api/') || path === '/api' || path === '/metrics';
