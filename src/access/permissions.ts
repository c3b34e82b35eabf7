// Feature permissions: what a role lets its users do. Data scopes (which rows) and masks (which
// fields) are separate; a permission only opens a feature. The list is closed: config naming an
// unknown permission is a config error, never a silent no-op.

export const PERMISSIONS = [
  'view_cockpit',
  'view_reports',
  'edit_reports',
  'view_raw',
  'export',
  'view_dead_letters',
  'edit_pipelines',
  'manage_users',
  'view_audit',
  'ingest',
  'view_personal_data',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const PERMISSION_HELP: Record<Permission, string> = {
  view_cockpit: 'cockpit map, health, alert flows, subsystems, live counters',
  view_reports: 'list and run reports',
  edit_reports: 'create, edit and delete reports',
  view_raw: 'raw events and their lines (event search, alert drill-down)',
  export: 'download report results (CSV, Parquet)',
  view_dead_letters: 'rejected lines with their reasons',
  edit_pipelines: 'pipeline try-out and configuration changes',
  manage_users: 'users, roles, tokens of others, "view as"',
  view_audit: 'the audit log',
  ingest: 'send events to this server (agents, HTTP push)',
  view_personal_data: 'fields that access.masks hide or mask from everyone else (e.g. operator names)',
};

export function isPermission(p: string): p is Permission {
  return (PERMISSIONS as readonly string[]).includes(p);
}
