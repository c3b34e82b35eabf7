// Self-metrics in the Prometheus text exposition format (version 0.0.4) for GET /metrics:
// per-pipeline record counters and source lag, network source counters, parse workers, commit
// counters, stored events per subsystem.
import type { IngestStatus } from '../pipeline/ingest.ts';
import type { FlowRunnerStats } from '../process/flows/flow-runner.ts';
import type { LeaseStatus } from '../process/lease.ts';
import type { LiveTotals } from './live.ts';

type Sample = [labels: Record<string, string>, value: number];

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

function family(name: string, type: 'counter' | 'gauge', help: string, samples: Sample[]): string {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`];
  for (const [labels, value] of samples) {
    const l = Object.entries(labels)
      .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
      .join(',');
    lines.push(`${name}${l ? `{${l}}` : ''} ${Number.isFinite(value) ? value : 0}`);
  }
  return lines.join('\n');
}

export function prometheusText(
  status: IngestStatus | undefined,
  live: Pick<LiveTotals, 'bySubsystem' | 'deadLetters'>,
  flows?: FlowRunnerStats,
  lease?: LeaseStatus,
): string {
  const pipelines = Object.entries(status?.pipelines ?? {});
  const per = (pick: (p: IngestStatus['pipelines'][string]) => number | undefined): Sample[] =>
    pipelines.map(([pipeline, p]) => [{ pipeline }, pick(p) ?? 0]);
  const c = status?.commits;
  const net = (pick: (p: IngestStatus['pipelines'][string]) => number | undefined): Sample[] =>
    pipelines
      .filter(([, p]) => p.source !== 'file' && p.source !== 'stdin')
      .map(([pipeline, p]) => [{ pipeline, source: p.source }, pick(p) ?? 0]);
  return `${[
    family(
      'mortar_records_read_total',
      'counter',
      'Records read (events + dead letters + filtered).',
      per((p) => p.read),
    ),
    family(
      'mortar_events_total',
      'counter',
      'Records that became events.',
      per((p) => p.events),
    ),
    family(
      'mortar_dead_letters_total',
      'counter',
      'Records kept as dead letters.',
      per((p) => p.deadLetters),
    ),
    family(
      'mortar_filtered_total',
      'counter',
      'Records dropped on purpose by filters.',
      per((p) => p.filtered),
    ),
    family(
      'mortar_source_bytes_read_total',
      'counter',
      'Bytes read from files.',
      per((p) => p.bytesRead),
    ),
    family(
      'mortar_source_lag_bytes',
      'gauge',
      'Bytes written to files but not stored as records yet (unread, or held in an open record).',
      per((p) => p.bytesBehind),
    ),
    family(
      'mortar_source_held_bytes',
      'gauge',
      'Of the lag, bytes read and held in a record still open (multiline, or a line without its newline).',
      per((p) => p.bytesHeld ?? 0),
    ),
    family(
      'mortar_source_files_open',
      'gauge',
      'Files held open.',
      per((p) => p.filesOpen),
    ),
    family(
      'mortar_source_files_known',
      'gauge',
      'Files followed.',
      per((p) => p.filesKnown),
    ),
    family(
      'mortar_source_rotations_total',
      'counter',
      'Files that left their path while followed.',
      per((p) => p.rotations),
    ),
    family(
      'mortar_source_truncations_total',
      'counter',
      'Files read again after shrinking.',
      per((p) => p.truncations),
    ),
    family(
      'mortar_source_received_bytes_total',
      'counter',
      'Bytes received by network sources (syslog, http, otlp: bodies and datagrams; poll: responses).',
      net((p) => p.bytesRead),
    ),
    family(
      'mortar_source_received_records_total',
      'counter',
      'Records received by network sources (events + dead letters + filtered).',
      net((p) => p.read),
    ),
    family(
      'mortar_source_events_total',
      'counter',
      'Records of network sources that became events.',
      net((p) => p.events),
    ),
    family(
      'mortar_source_dead_letters_total',
      'counter',
      'Records of network sources kept as dead letters.',
      net((p) => p.deadLetters),
    ),
    family(
      'mortar_source_connections',
      'gauge',
      'Open connections of network sources (TCP syslog, HTTP).',
      net((p) => p.connections),
    ),
    family(
      'mortar_source_dropped_total',
      'counter',
      'Records dropped because the pipeline fell behind and the protocol cannot push back (UDP).',
      net((p) => p.dropped),
    ),
    family(
      'mortar_source_refused_total',
      'counter',
      'Requests or connections refused (bad token, oversize body, queue full, too many connections).',
      net((p) => p.refused),
    ),
    family('mortar_parse_workers', 'gauge', 'Parse worker threads.', [[{}, status?.parse?.workers ?? 0]]),
    family(
      'mortar_parse_worker_restarts_total',
      'counter',
      'Parse workers restarted because a record overran its budget (dead letters regex_timeout).',
      [[{}, status?.parse?.restarts ?? 0]],
    ),
    family('mortar_commits_total', 'counter', 'Warehouse commits.', [[{}, c?.commits ?? 0]]),
    family('mortar_commit_failures_total', 'counter', 'Warehouse commits that failed (retried).', [
      [{}, c?.failures ?? 0],
    ]),
    family('mortar_pending_rows', 'gauge', 'Rows waiting for the next commit.', [
      [{}, status?.pendingRows ?? 0],
    ]),
    family(
      'mortar_stored_events',
      'gauge',
      'Events in the warehouse per subsystem.',
      Object.entries(live.bySubsystem).map(([subsystem, n]) => [{ subsystem }, n]),
    ),
    family('mortar_stored_dead_letters', 'gauge', 'Dead letters in the warehouse.', [[{}, live.deadLetters]]),
    family(
      'mortar_processor_active',
      'gauge',
      'Whether this server runs the processors (holds the processor lease; always 1 on DuckDB).',
      [[{}, (lease?.held ?? true) ? 1 : 0]],
    ),
    family('mortar_flow_runs_total', 'counter', 'Flow processing runs.', [[{}, flows?.runs ?? 0]]),
    family('mortar_flow_failures_total', 'counter', 'Flow processing runs that failed.', [
      [{}, flows?.failures ?? 0],
    ]),
    family('mortar_flow_run_seconds', 'gauge', 'Duration of the last flow processing run.', [
      [{}, (flows?.lastRunMs ?? 0) / 1000],
    ]),
    family('mortar_flow_lag_seconds', 'gauge', 'Wall clock minus the event time the last flow run reached.', [
      [{}, flows?.lastNowUs === undefined ? 0 : Date.now() / 1000 - flows.lastNowUs / 1e6],
    ]),
    family(
      'mortar_flow_deferred_runs_total',
      'counter',
      'Flow runs that hit their event budget and left the rest for the next run.',
      (flows?.results ?? []).map((r) => [{ flow: r.flow }, r.deferred]),
    ),
    family(
      'mortar_flow_timer_overflow_total',
      'counter',
      'Alert time-out checks or waiting step events put off because a run was full.',
      (flows?.results ?? []).map((r) => [{ flow: r.flow }, r.overflow]),
    ),
    family(
      'mortar_flow_unlinked_dropped_total',
      'counter',
      'Step events whose bridging id never arrived within the horizon.',
      (flows?.results ?? []).map((r) => [{ flow: r.flow }, r.dropped]),
    ),
    family(
      'mortar_flow_pending_steps',
      'gauge',
      'Step events waiting for the line that bridges their id to the alert.',
      (flows?.results ?? []).map((r) => [{ flow: r.flow }, r.pending]),
    ),
  ].join('\n')}\n`;
}
