// The datasets of the semantic layer, declared once over the warehouse: events, dead letters,
// flow alerts and hops, health transitions (also as availability) and observed topology edges.
// Report definitions name these dimensions, measures and segments; nothing else reaches SQL.
import type { FlowDef } from '../process/flows/definition.ts';
import { sql } from '../warehouse/sql.ts';
import { type DatasetDef, type DimensionDef, type Expr, num, str, tsTime, usTime } from './dataset.ts';

const count = { label: 'Count', agg: 'count' as const };

const events: DatasetDef = {
  name: 'events',
  label: 'Events',
  description: 'Every stored event, one row each.',
  table: 'events',
  time: 'ts',
  dimensions: {
    ts: tsTime('ts', 'Time'),
    received_at: tsTime('received_at', 'Received'),
    subsystem: str('subsystem', 'Subsystem'),
    component: str('component', 'Component'),
    source: str('source', 'Source'),
    kind: str('kind', 'Kind'),
    type: str('type', 'Type'),
    severity: str('severity', 'Severity'),
    pipeline: str('pipeline', 'Pipeline'),
    message: str('message', 'Message'),
    file: str('file', 'File'),
  },
  measures: {
    events: { ...count, label: 'Events' },
    components: { label: 'Components', agg: 'count_distinct', of: 'component' },
    types: { label: 'Types', agg: 'count_distinct', of: 'type' },
    first_seen: { label: 'First seen', agg: 'min', of: 'ts' },
    last_seen: { label: 'Last seen', agg: 'max', of: 'ts' },
    events_per_second: { label: 'Events/s', agg: 'rate', per: 'second', unit: 'events/s' },
    events_per_minute: { label: 'Events/min', agg: 'rate', per: 'minute', unit: 'events/min' },
  },
  segments: {
    errors: {
      description: 'severity error or worse',
      where: () =>
        sql`${sql.id('t', 'severity')} in (${sql.list(['error', 'critical', 'alert', 'emergency'])})`,
    },
    alerts: { description: 'kind alert', where: () => sql`${sql.id('t', 'kind')} = ${'alert'}` },
    heartbeats: { description: 'type heartbeat', where: () => sql`${sql.id('t', 'type')} = ${'heartbeat'}` },
  },
  joins: {},
  dynamic: {
    attrs: (key): DimensionDef => ({
      label: key,
      type: 'string',
      expr: ({ d }) => d.jsonText(sql.id('t', 'attrs'), key),
    }),
    keys: (key): DimensionDef => ({
      label: key,
      type: 'string',
      expr: ({ d }) => d.mapValue(sql.id('t', 'keys'), key),
    }),
  },
};

const deadLetters: DatasetDef = {
  name: 'dead_letters',
  label: 'Dead letters',
  description: 'Inputs that could not become events, with their reason.',
  table: 'dead_letters',
  time: 'received_at',
  dimensions: {
    received_at: tsTime('received_at', 'Received'),
    source: str('source', 'Source'),
    pipeline: str('pipeline', 'Pipeline'),
    stage: str('stage', 'Stage'),
    reason: str('reason', 'Reason'),
    file: str('file', 'File'),
    raw: str('raw', 'Raw'),
  },
  measures: {
    dead_letters: { ...count, label: 'Dead letters' },
    files: { label: 'Files', agg: 'count_distinct', of: 'file' },
    last_seen: { label: 'Last seen', agg: 'max', of: 'received_at' },
  },
  segments: {},
  joins: {},
};

const alertStates =
  (states: string[]): Expr =>
  () =>
    sql`${sql.id('t', 'state')} in (${sql.list(states)})`;

const flowAlerts: DatasetDef = {
  name: 'flow_alerts',
  label: 'Flow alerts',
  description: 'One row per alert of each flow: state, end-to-end latency, first missing step.',
  table: 'flow_alerts',
  time: 'root_us',
  dimensions: {
    root_us: usTime('root_us', 'Started'),
    updated_us: usTime('updated_us', 'Updated'),
    flow: str('flow', 'Flow'),
    root: str('root', 'Alert'),
    state: str('state', 'State'),
    missing: str('missing', 'Missing step'),
    gaps: num('gaps', 'Gaps'),
    e2e_ms: num('e2e_us', 'End to end', 'ms', 1000),
  },
  measures: {
    alerts: { ...count, label: 'Alerts' },
    e2e_p50: { label: 'E2E p50', agg: 'p50', of: 'e2e_ms', unit: 'ms' },
    e2e_p95: { label: 'E2E p95', agg: 'p95', of: 'e2e_ms', unit: 'ms' },
  },
  segments: {
    stuck_or_lost: { description: 'state stuck or lost', where: alertStates(['stuck', 'lost']) },
    stuck: { description: 'state stuck', where: alertStates(['stuck']) },
    lost: { description: 'state lost', where: alertStates(['lost']) },
  },
  joins: {},
};

/** Subsystem of a flow step, from the flow definitions (steps matching one subsystem). */
function stepSubsystem(flows: FlowDef[], column: string): Expr {
  const whens = flows.flatMap((f) =>
    f.steps
      .filter((s) => typeof s.match.subsystem === 'string')
      .map(
        (s) =>
          sql`when ${sql.id('t', 'flow')} = ${f.name} and ${sql.id('t', column)} = ${s.name} then ${s.match.subsystem as string}`,
      ),
  );
  // Without steps a typed NULL text that every engine reads alike (ClickHouse: Nullable(String)).
  return () => sql`case ${whens.length ? sql.join(whens, sql` `) : sql`when 1 = 0 then ''`} end`;
}

function flowHops(flows: FlowDef[]): DatasetDef {
  return {
    name: 'flow_hops',
    label: 'Flow hops',
    description: 'One row per hop an alert took: from step to step, with its latency.',
    table: 'flow_hops',
    time: 'root_us',
    dimensions: {
      root_us: usTime('root_us', 'Alert started'),
      flow: str('flow', 'Flow'),
      root: str('root', 'Alert'),
      hop: {
        label: 'Hop',
        type: 'string',
        expr: () => sql`concat(${sql.id('t', 'from_step')}, ${' → '}, ${sql.id('t', 'to_step')})`,
      },
      from_step: str('from_step', 'From step'),
      to_step: str('to_step', 'To step'),
      from_component: str('from_component', 'From component'),
      to_component: str('to_component', 'To component'),
      from_subsystem: { label: 'From subsystem', type: 'string', expr: stepSubsystem(flows, 'from_step') },
      to_subsystem: { label: 'To subsystem', type: 'string', expr: stepSubsystem(flows, 'to_step') },
      latency_ms: num('latency_us', 'Latency', 'ms', 1000),
      sla_ms: num('sla_us', 'SLA', 'ms', 1000),
      breach: {
        label: 'SLA breached',
        type: 'string',
        expr: () => sql`case when ${sql.id('t', 'breach')} then ${'yes'} else ${'no'} end`,
      },
      alert_state: {
        label: 'Alert state',
        type: 'string',
        join: 'alert',
        expr: () => sql`${sql.id('alert', 'state')}`,
      },
    },
    measures: {
      hops: { ...count, label: 'Hops' },
      alerts: { label: 'Alerts', agg: 'count_distinct', of: 'root' },
      latency_p50: { label: 'p50', agg: 'p50', of: 'latency_ms', unit: 'ms' },
      latency_p95: { label: 'p95', agg: 'p95', of: 'latency_ms', unit: 'ms' },
      latency_p99: { label: 'p99', agg: 'p99', of: 'latency_ms', unit: 'ms' },
      latency_max: { label: 'max', agg: 'max', of: 'latency_ms', unit: 'ms' },
      breaches: {
        label: 'SLA breaches',
        agg: 'sum',
        of: 'breach_flag',
      },
      breach_pct: {
        label: 'Breached',
        agg: 'ratio',
        numerator: 'breaches',
        denominator: 'hops',
        scale: 100,
        unit: '%',
      },
    },
    segments: {
      breached: { description: 'hops over their SLA', where: () => sql`${sql.id('t', 'breach')}` },
    },
    joins: {
      alert: {
        table: 'flow_alerts',
        on: [
          ['flow', 'flow'],
          ['root', 'root'],
        ],
      },
    },
  };
}

const clipped: Expr = ({ range }) =>
  range
    ? sql`(least(${sql.id('t', 'to_us')}, ${range.toUs}) - greatest(${sql.id('t', 'from_us')}, ${range.fromUs})) / 1000000.0`
    : sql`(${sql.id('t', 'to_us')} - ${sql.id('t', 'from_us')}) / 1000000.0`;

function healthDimensions(): Record<string, DimensionDef> {
  return {
    from_us: usTime('from_us', 'From'),
    to_us: usTime('to_us', 'To'),
    level: str('level', 'Level'),
    subsystem: str('subsystem', 'Subsystem'),
    component: str('component', 'Component'),
    state: str('state', 'State'),
    reason: str('reason', 'Reason'),
    rule: str('rule', 'Rule'),
    seconds: { label: 'Held', type: 'number', unit: 's', expr: clipped },
    ok_seconds: {
      label: 'Held ok',
      type: 'number',
      unit: 's',
      expr: (ctx) => sql`case when ${sql.id('t', 'state')} = ${'ok'} then ${clipped(ctx)} else 0 end`,
    },
    known_seconds: {
      label: 'Held known',
      type: 'number',
      unit: 's',
      expr: (ctx) => sql`case when ${sql.id('t', 'state')} <> ${'unknown'} then ${clipped(ctx)} else 0 end`,
    },
  };
}

const healthHistory: DatasetDef = {
  name: 'health_history',
  label: 'Health history',
  description: 'Every state each component, subsystem and the system held, as intervals.',
  table: 'health_transitions',
  time: 'from_us',
  interval: { from: 'from_us', to: 'to_us' },
  dimensions: healthDimensions(),
  measures: {
    transitions: { ...count, label: 'Transitions' },
    held_seconds: { label: 'Held', agg: 'sum', of: 'seconds', unit: 's' },
  },
  segments: {
    problems: {
      description: 'failed, degraded or stale',
      where: () => sql`${sql.id('t', 'state')} in (${sql.list(['failed', 'degraded', 'stale'])})`,
    },
  },
  joins: {},
};

const availability: DatasetDef = {
  ...healthHistory,
  name: 'availability',
  label: 'Availability',
  description: 'Share of known time each entity was ok, within the time range (intervals clipped to it).',
  measures: {
    ok_seconds: { label: 'Ok', agg: 'sum', of: 'ok_seconds', unit: 's' },
    known_seconds: { label: 'Known', agg: 'sum', of: 'known_seconds', unit: 's' },
    availability_pct: {
      label: 'Availability',
      agg: 'ratio',
      numerator: 'ok_seconds',
      denominator: 'known_seconds',
      scale: 100,
      unit: '%',
    },
    problems: { label: 'Problem intervals', agg: 'sum', of: 'problem_flag' },
  },
  dimensions: {
    ...healthDimensions(),
    problem_flag: {
      label: 'Problem',
      type: 'number',
      expr: () =>
        sql`case when ${sql.id('t', 'state')} in (${sql.list(['failed', 'degraded', 'stale'])}) then 1 else 0 end`,
    },
  },
};

/** Every dataset; flow definitions name the subsystem of each step (topology). */
export function datasets(flows: FlowDef[]): Record<string, DatasetDef> {
  const hops = flowHops(flows);
  hops.dimensions.breach_flag = {
    label: 'Breach',
    type: 'number',
    expr: () => sql`case when ${sql.id('t', 'breach')} then 1 else 0 end`,
  };
  const edges: DatasetDef = {
    ...hops,
    name: 'topology_edges',
    label: 'Topology edges (observed)',
    description: 'Connections between subsystems and components as alerts crossed them.',
    measures: {
      crossings: { ...count, label: 'Crossings' },
      latency_p95: hops.measures.latency_p95!,
    },
  };
  return {
    events,
    dead_letters: deadLetters,
    flow_alerts: flowAlerts,
    flow_hops: hops,
    health_history: healthHistory,
    availability,
    topology_edges: edges,
  };
}
