// Wire types of the HTTP API: the contract between the server (src/api) and the web app (web/),
// which imports these types and nothing else from src/. Times on the wire are ISO 8601 UTC strings.
import type { MortarEvent } from '../events/event.ts';

export interface HealthResponse {
  status: 'ok';
  version: string;
  uptimeSeconds: number;
  warehouse: { dialect: string; events: number; deadLetters: number };
  /** Whether this server runs the processors (flows, health): it holds the processor lease. */
  processor: { active: boolean };
}

export interface SubsystemInfo {
  name: string;
  description?: string;
  /** Declared in the configuration, observed in the data, or both. */
  declared: boolean;
  events: number;
}

export interface SubsystemsResponse {
  subsystems: SubsystemInfo[];
}

/** An event on the wire: as stored, with its times as ISO 8601 strings. */
export type EventRow = Omit<MortarEvent, 'ts' | 'receivedAt'> & { ts: string; receivedAt: string };

/** GET /api/events?from=ISO&to=ISO&subsystem=a,b&q=text&limit=50&offset=0 (newest first). */
export interface EventsResponse {
  total: number;
  limit: number;
  offset: number;
  rows: EventRow[];
}

/** GET /api/volume?from=ISO&to=ISO&bucket=SECONDS&subsystem=a,b&q=text: event counts per bucket and subsystem. */
export interface VolumeResponse {
  from: string;
  to: string;
  bucketSeconds: number;
  subsystems: string[];
  /** One entry per bucket start, oldest first, every bucket present (zero-filled). */
  points: { t: string; counts: Record<string, number> }[];
}

/** Payload of the SSE `ingest` event on GET /api/live, sent about once a second. */
export interface LiveIngest {
  /** Server time of this tick. */
  at: string;
  /** Events stored so far, per subsystem. */
  totals: Record<string, number>;
  /** Events stored since the previous tick, per subsystem. */
  delta: Record<string, number>;
  deadLetters: number;
}

/** Body of every error response. */
export interface ErrorResponse {
  error: { code: string; message: string; details?: { where: string; message: string; hint?: string }[] };
}

/** GET /api/pipelines: each configured pipeline with its live counters. */
export interface PipelineInfo {
  name: string;
  subsystem: string;
  description?: string;
  source: { type: string; include?: string[] };
  framing: string;
  parsers: string[];
  transforms: string[];
  /** Counters since this server started (read = events + deadLetters + filtered) and source state. */
  status?: {
    read: number;
    events: number;
    deadLetters: number;
    filtered: number;
    bytesRead: number;
    bytesBehind: number;
    /** Of bytesBehind, bytes read and held in a record still open (multiline, or a line without newline). */
    bytesHeld?: number;
    filesKnown: number;
    filesOpen: number;
    rotations?: number;
    truncations?: number;
  };
}

export interface PipelinesResponse {
  pipelines: PipelineInfo[];
}

/** POST /api/pipelines/:name/try with body `{ "text": "line\nline\n" }` (at most 1 MiB). */
export interface TryRequest {
  text: string;
}

export interface TryResponse {
  pipeline: string;
  /** One entry per framed record, in input order. */
  results: (
    | { kind: 'event'; offset: number; event: EventRow }
    | { kind: 'dead_letter'; offset: number; stage: string; reason: string; raw: string }
    | { kind: 'filtered'; offset: number; stage: string }
  )[];
  counts: { events: number; deadLetters: number; filtered: number };
}

/** GET /api/dead-letters?pipeline=&limit=&offset= (newest first). */
export interface DeadLettersResponse {
  total: number;
  limit: number;
  offset: number;
  rows: {
    id: string;
    receivedAt: string;
    source: string;
    pipeline: string;
    file: string;
    offset: number;
    stage: string;
    reason: string;
    raw: string;
  }[];
}

export type AlertState = 'in_flight' | 'complete' | 'late' | 'stuck' | 'lost';

export interface FlowStepInfo {
  name: string;
  /** Step it follows; absent for the first. */
  after?: string;
  subsystem?: string | string[];
  type?: string | string[];
  key: string;
  emits?: string;
  optional: boolean;
  slaMs?: number;
}

/** GET /api/flows?from&to: declared flows with alert counts per state (alerts whose first step is in the range). */
export interface FlowsResponse {
  from: string;
  to: string;
  flows: {
    name: string;
    description?: string;
    steps: FlowStepInfo[];
    slaMs?: number;
    deadlineMs: number;
    horizonMs: number;
    counts: Partial<Record<AlertState, number>>;
    /** End-to-end latency of complete and late alerts, ms. */
    e2e: { p50?: number; p95?: number; p99?: number; max?: number };
  }[];
}

/** GET /api/flows/:name/hops?from&to: latency per hop (ms), SLA breaches, negative latencies (clock-skew evidence). */
export interface FlowHopsResponse {
  flow: string;
  hops: {
    from: string;
    to: string;
    count: number;
    p50: number;
    p95: number;
    p99: number;
    max: number;
    slaMs?: number;
    breaches: number;
    /** Hops whose later step is stamped before the earlier one: evidence of clock skew between the components. */
    negative: number;
    fromComponents: string[];
    toComponents: string[];
  }[];
}

/** GET /api/flows/:name/alerts?state=a,b&from&to&limit&offset (newest first). */
export interface FlowAlertsResponse {
  flow: string;
  total: number;
  limit: number;
  offset: number;
  rows: {
    root: string;
    start: string;
    state: AlertState;
    e2eMs?: number;
    missing?: string;
    gaps: number;
    /** Shown steps only (the `events` scope admits their subsystem and component). */
    steps: { step: string; ts: string; component?: string; eventId?: string }[];
    /** Steps that happened in subsystems hidden from the user: named only, no time or values. */
    hiddenSteps?: string[];
  }[];
}

/** GET /api/flows/:name/alerts/:root: one alert's path with each step's stored event (raw line). */
export interface FlowAlertResponse {
  flow: string;
  root: string;
  start: string;
  state: AlertState;
  e2eMs?: number;
  missing?: string;
  steps: {
    step: string;
    ts?: string;
    component?: string;
    latencyMs?: number;
    slaMs?: number;
    breach?: boolean;
    /** The step happened in a subsystem hidden from the user: no time, component, latency or event. */
    hidden?: boolean;
    event?: EventRow;
  }[];
}

export type { TopologyEdge, TopologyResponse } from '../process/topology/topology.ts';

/** Health states, worst first; unknown: no data. */
export type HealthStateName = 'failed' | 'degraded' | 'stale' | 'ok' | 'unknown';

/** The state of one component, subsystem or the system over an interval (or at a moment). */
export interface HealthEntityState {
  level: 'component' | 'subsystem' | 'system';
  /** Absent for the system. */
  subsystem?: string;
  /** Present for components. */
  component?: string;
  /** The system's or subsystem's name, or the component's. */
  name: string;
  state: HealthStateName;
  /** When this state began and (as far as processed) ended; absent when unknown. */
  from?: string;
  to?: string;
  reason?: string;
  /** The rule (or roll-up function) that decided the state. */
  rule?: string;
  /** Evidence: the event id (components) or the members that caused it (subsystems, system). */
  causedBy?: string;
  /** A problem while this subsystem it depends on was failed. */
  suppressedBy?: string;
  /** The state changed often within the flapping window. */
  flapping: boolean;
}

/** GET /api/states?at=ISO: every state at a moment (default: the newest processed moment). */
export interface StatesResponse {
  /** The moment asked for. */
  at: string;
  /** The moment answered: `at`, or the end of what has been processed when `at` lies beyond it. */
  asOf?: string;
  /** How far the time lines reach (event time). */
  processedUntil?: string;
  system?: HealthEntityState;
  subsystems: HealthEntityState[];
  components: HealthEntityState[];
}

/** GET /api/states/history?from&to&subsystem&component&level: the intervals (transitions) in a window, oldest first per entity. */
export interface StatesHistoryResponse {
  from: string;
  to: string;
  transitions: HealthEntityState[];
}

/** GET /api/availability?from&to: time per state and availability, per component, subsystem and the system. */
export interface AvailabilityResponse {
  from: string;
  to: string;
  rows: {
    level: 'component' | 'subsystem' | 'system';
    subsystem?: string;
    component?: string;
    name: string;
    /** Milliseconds per state within the window; unknown = no data. */
    durationsMs: Record<HealthStateName, number>;
    /** ok time / time with data, percent; absent when there is no data. */
    availability?: number;
    /** time not failed / time with data, percent. */
    uptime?: number;
  }[];
}

// Reports
// The generic report engine (src/reports/): definitions are listed, described and run through
// these shapes; the web builds filter bar, visual, table and drill-down from them alone.

export type ReportVisualType = 'table' | 'timeseries' | 'bar' | 'pie' | 'heatmap' | 'stat' | 'graph';

/** Where a report definition comes from: shipped with Mortar, a config file, or saved by a user. */
export type ReportSource = 'builtin' | 'config' | 'user';

/** One entry of GET /api/reports?q=text. */
export interface ReportSummary {
  id: string;
  title: string;
  description: string;
  dataset: string;
  visual: ReportVisualType;
  source: ReportSource;
  tags: string[];
}

export interface ReportsResponse {
  reports: ReportSummary[];
}

export type ReportFilterKind = 'time_range' | 'multi_select' | 'text' | 'number_range';

/**
 * A filter the UI renders; its value travels as `f.<id>=...` on run/export/values (repeat the
 * parameter for multi_select; time_range `now-24h..now` or `ISO..ISO`; number_range `min..max`).
 */
export interface ReportFilterSpec {
  id: string;
  label: string;
  kind: ReportFilterKind;
  /** The dataset dimension the filter applies to. */
  dimension: string;
  default?: string | string[];
  /** Filters whose current values narrow this filter's value list (linked filters). */
  dependsOn?: string[];
  /** number_range bounds, when declared. */
  min?: number;
  max?: number;
}

export interface ReportColumnMeta {
  name: string;
  label: string;
  type: 'time' | 'string' | 'number';
  role: 'dimension' | 'measure';
  /** e.g. `ms`, `%`, `events/s`. */
  unit?: string;
}

export interface ReportVisual {
  type: ReportVisualType;
  /** Column on the x axis (or the category for bar/pie). */
  x?: string;
  /** Measure column(s) plotted. */
  y?: string[];
  /** Column whose values split the data into series. */
  series?: string;
}

export interface ReportDrilldown {
  /** Another report to open. */
  report?: string;
  /** Open the raw events instead. */
  events?: boolean;
  /** Target filter id -> column of the clicked row whose value it takes. */
  bind: Record<string, string>;
}

/** GET /api/reports/:id (and the answer of PUT). */
export interface ReportDetail {
  id: string;
  title: string;
  description: string;
  dataset: string;
  source: ReportSource;
  /** The definition as YAML, for the editor. */
  yaml: string;
  visual: ReportVisual;
  filters: ReportFilterSpec[];
  columns: ReportColumnMeta[];
  drilldown?: ReportDrilldown;
  /** Reports over recent data: the UI re-runs them this often. */
  refreshSeconds?: number;
  /** True for user reports the caller may save or delete. */
  editable: boolean;
  /** Default sort, as the run endpoint's `sort`/`dir`. */
  sort?: { column: string; dir: 'asc' | 'desc' };
  /** Default page size. */
  limit?: number;
  tags: string[];
}

/** GET /api/reports/:id/filters/:filterId/values?q=&f.<other>=... */
export interface ReportFilterValuesResponse {
  values: { value: string; count: number }[];
}

/** GET /api/reports/:id/run?f.<id>=...&sort=&dir=&limit=&offset= */
export interface ReportRunResult {
  columns: ReportColumnMeta[];
  /** Cells in column order; times as ISO 8601 strings. */
  rows: (string | number | null)[][];
  /** Rows the query has in all (before limit/offset). */
  total: number;
  /** True when the rows were cut by the engine's row limit (not by paging). */
  truncated: boolean;
  elapsedMs: number;
  generatedAt: string;
}

export interface ReportValidationError {
  /** Path inside the definition, e.g. `measures[1].of`. */
  path: string;
  message: string;
  hint?: string;
  line?: number;
  col?: number;
}

/** POST /api/reports/validate body. Also the body of PUT /api/reports/:id. */
export interface ReportYamlRequest {
  yaml: string;
}

/** POST /api/reports/validate answer. */
export interface ReportValidateResponse {
  ok: boolean;
  errors: ReportValidationError[];
  preview?: ReportRunResult;
}

/** A saved view: a named query string (the report page's URL state). */
export interface ReportView {
  name: string;
  query: string;
}

/** GET /api/reports/:id/views */
export interface ReportViewsResponse {
  views: ReportView[];
}

/** POST /api/reports/:id/views body. */
export type ReportViewRequest = ReportView;

/** The contract's short names for the same report types. */
export type FilterSpec = ReportFilterSpec;
export type ColumnMeta = ReportColumnMeta;
export type RunResult = ReportRunResult;
export type VisualType = ReportVisualType;

// ---- Patterns (mined message templates)

/** One template of a source, counted in the requested range. */
export interface PatternSummary {
  id: string;
  /** Masked values replaced for a viewer with field masks; "(hidden: may contain masked values)" when templateHidden. */
  template: string;
  /** Set when the template text is hidden whole from this viewer: too many masked values to replace. */
  templateHidden?: boolean;
  /** Messages in the range. */
  count: number;
  /** Messages since mining began. */
  total: number;
  firstSeen: string;
  lastSeen: string;
  /** Counts per bucket over the range (sparkline). */
  series: number[];
}

export interface PatternSource {
  pipeline: string;
  subsystem: string;
  /** Templates with messages in the range. */
  templates: number;
  /** Messages in the range. */
  messages: number;
  /** Messages that found no template because the template cap was reached. */
  overflow: number;
  patterns: PatternSummary[];
}

/** GET /api/patterns */
export interface PatternsResponse {
  from: string;
  to: string;
  bucketSeconds: number;
  sources: PatternSource[];
}

export type PatternChangeKind = 'new' | 'rate_up' | 'rate_down';

export interface PatternChange {
  pipeline: string;
  subsystem: string;
  /** The component whose message started a new template (new patterns only). */
  component?: string;
  id: string;
  /** As PatternSummary.template (masked values replaced, or hidden with templateHidden). */
  template: string;
  templateHidden?: boolean;
  kind: PatternChangeKind;
  at: string;
  /** Messages in the recent window (rate changes). */
  recent: number;
  /** Mean messages per window before it (rate changes). */
  baseline: number;
}

/** GET /api/patterns/changes */
export interface PatternChangesResponse {
  from: string;
  to: string;
  changes: PatternChange[];
}

/** GET /api/patterns/:id: the template in every source that has it. */
export interface PatternDetailResponse {
  id: string;
  from: string;
  to: string;
  bucketSeconds: number;
  sources: (PatternSummary & { pipeline: string; subsystem: string; examples: string[] })[];
}

// Access

/** GET /api/auth/me and the answer to a login. */
export interface MeResponse {
  /** False: single-user mode (no sign-in; the local user may do everything). */
  enabled: boolean;
  /** Null when access control is on and nobody is signed in. */
  user: string | null;
  roles: string[];
  permissions: string[];
  /** Set while an admin looks through this user's eyes. */
  viewAsBy?: string;
  /** Present when an OpenID Connect provider is configured: the sign-in page offers it. */
  oidc?: { name: string; loginUrl: string };
}

/** POST /api/auth/logout. */
export interface LogoutResponse {
  ok: true;
  /**
   * Present when the session began at an OpenID Connect provider that offers RP-initiated logout:
   * the provider's end-session URL (with id_token_hint), for the page to go to so the provider's
   * session ends too; it sends the browser back to Mortar's sign-in page.
   */
  logoutUrl?: string;
}

export interface TokenInfo {
  id: string;
  user: string;
  name: string;
  permissions: string[];
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** POST /api/auth/tokens: the token's full text, shown once. */
export interface NewTokenResponse {
  token: string;
  info: TokenInfo;
}

export interface UserInfo {
  name: string;
  roles: string[];
  attrs: Record<string, string>;
  disabled: boolean;
  locked: boolean;
  createdAt: string;
}

export interface RoleInfo {
  name: string;
  description?: string;
  permissions: string[];
  builtin: boolean;
}

export interface AdminOverview {
  users: UserInfo[];
  roles: RoleInfo[];
  permissions: { name: string; help: string }[];
  /** Field masks (access.masks): who lacks `unless` sees `field` of `dataset` masked. */
  masks: { dataset: string; field: string; mode: 'hide' | 'partial' | 'hash'; unless: string }[];
}

/** One role as the policy editor reads and saves it. */
export interface PolicyRole {
  description?: string;
  permissions: string[];
  /** Row scope rules per dataset, e.g. {events: ["subsystem in [video, console]"]}. */
  scopes?: Record<string, string[]>;
}

export interface PolicyMask {
  dataset: string;
  field: string;
  mode: 'hide' | 'partial' | 'hash';
  unless: string;
}

/** GET /api/admin/policy: the access policy in force (roles beside the built-in ones, masks), and what the editor needs. */
export interface PolicyResponse {
  /** config: the configuration's policy (access.roles, access.masks); store: saved on this page. */
  source: { kind: 'config' | 'store'; version: number; at?: string; actor?: string };
  /** Why the newest saved policy is not in force, when it is not. */
  problem?: string;
  policy: { roles: Record<string, PolicyRole>; masks: PolicyMask[] };
  /** The configuration's policy: what "reset to configuration" returns to. */
  config: { roles: Record<string, PolicyRole>; masks: PolicyMask[] };
  builtinRoles: Record<string, PolicyRole>;
  permissions: { name: string; help: string }[];
  /** Datasets scopes and masks may name: every field (for scopes) and the text fields (for masks); `attrs.<name>` stands for any attribute. */
  datasets: { name: string; label: string; fields: string[]; textFields: string[] }[];
  /** Users holding each role (a role in use cannot be removed). */
  holders: Record<string, string[]>;
}

/** PUT /api/admin/policy: `policy` null returns to the configuration's policy. */
export interface PolicySaveRequest {
  baseVersion: number;
  policy: { roles: Record<string, PolicyRole>; masks: PolicyMask[] } | null;
}

export interface AuditRowInfo {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target?: string;
  outcome: 'ok' | 'denied' | 'failed';
  detail: Record<string, unknown>;
  ip?: string;
}

// Discover: catalog, schema drift and inferred links (issue 7).
export type {
  CatalogField,
  CatalogResponse,
  CatalogSource,
  CatalogType,
  DriftChangeName,
  DriftResponse,
  DriftRow,
} from '../process/catalog/catalog-queries.ts';
export type { FieldType } from '../process/catalog/field-type.ts';
export type {
  ExplainedCandidate,
  LinkCandidate,
  LinkDecisionResponse,
  LinkStatus,
  LinksResponse,
} from '../process/links/link-decisions.ts';
export type { LinkKeyEvidence } from '../process/links/link-infer.ts';
