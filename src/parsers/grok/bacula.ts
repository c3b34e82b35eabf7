// Bacula director / storage daemon messages: `dd-Mon[-yyyy] hh:mm host[ JobId n]: <message>` for
// the messages a backup operator watches (volumes, labels, pruning, job start/end, connection and
// fatal errors). Both namings share one template; legacy naming captures fewer parts, as Logstash.
import type { PatternFamily, Patterns } from './library.ts';

const r = String.raw;

/** Field names; undefined: matched, not captured. */
interface Names {
  timestamp: string;
  host: string;
  jobId: string;
  volume: string;
  device: string;
  devicePath?: string;
  bytes?: string;
  blocks?: string;
  at?: string;
  error: string;
  filePath?: string;
  client: string;
  job: string;
  elapsed: string;
  size?: string;
  otherJob?: string;
  runBefore: string;
  address?: string;
  port?: string;
}

const cap = (pattern: string, field: string | undefined) =>
  field ? `%{${pattern}:${field}}` : `%{${pattern}}`;

function baculaPatterns(n: Names): Patterns {
  const dev = r`device "${cap('BACULA_DEVICE', n.device)}" \(${cap('BACULA_DEVICEPATH', n.devicePath)}\)`;
  const vol = r`Volume "${cap('BACULA_VOLUME', n.volume)}"`;
  const peer = r`(?:Client: ${cap('BACULA_HOST', n.client)}|Storage daemon) on ${cap('IPORHOST', n.address)}:${cap('POSINT', n.port)}\. ERR=%{GREEDYDATA:${n.error}}`;
  const p: Record<string, string> = {
    BACULA_LOG_MAX_CAPACITY: r`User defined maximum volume capacity ${cap('BACULA_CAPACITY', n.bytes)} exceeded on ${dev}\.?`,
    BACULA_LOG_END_VOLUME: r`End of medium on ${vol} Bytes=${cap('BACULA_CAPACITY', n.bytes)} Blocks=${cap('BACULA_CAPACITY', n.blocks)} at ${cap('BACULA_TIMESTAMP', n.at)}\.`,
    BACULA_LOG_NEW_VOLUME: r`Created new ${vol} in catalog\.`,
    BACULA_LOG_NEW_LABEL: r`Labeled new ${vol} on (?:file )?${dev}\.`,
    BACULA_LOG_WROTE_LABEL: r`Wrote label to prelabeled ${vol} on ${dev}`,
    BACULA_LOG_NEW_MOUNT: r`New volume "${cap('BACULA_VOLUME', n.volume)}" mounted on ${dev} at ${cap('BACULA_TIMESTAMP', n.at)}\.`,
    BACULA_LOG_NOOPEN: r`\s*Cannot open %{DATA}: ERR=%{GREEDYDATA:${n.error}}`,
    BACULA_LOG_NOOPENDIR: r`\s*Could not open directory "?${cap('DATA', n.filePath)}"?: ERR=%{GREEDYDATA:${n.error}}`,
    BACULA_LOG_NOSTAT: r`\s*Could not stat ${cap('DATA', n.filePath)}: ERR=%{GREEDYDATA:${n.error}}`,
    BACULA_LOG_NOJOBS: r`There are no more Jobs associated with ${vol}\. Marking it purged\.`,
    BACULA_LOG_ALL_RECORDS_PRUNED: r`(?:.*? )?All records pruned from ${vol}; marking it "Purged"`,
    BACULA_LOG_BEGIN_PRUNE_JOBS: r`Begin pruning Jobs older than %{INT} months? %{INT} days? \.`,
    BACULA_LOG_BEGIN_PRUNE_FILES: r`Begin pruning Files\.`,
    BACULA_LOG_PRUNED_JOBS: r`Pruned %{INT} Jobs? for client ${cap('BACULA_HOST', n.client)} from catalog\.`,
    BACULA_LOG_PRUNED_FILES: r`Pruned Files from %{INT} Jobs? for client ${cap('BACULA_HOST', n.client)} from catalog\.`,
    BACULA_LOG_ENDPRUNE: r`End auto prune\.`,
    BACULA_LOG_STARTJOB: `Start Backup JobId %{INT}, Job=%{BACULA_JOB:${n.job}}`,
    BACULA_LOG_STARTRESTORE: `Start Restore Job %{BACULA_JOB:${n.job}}`,
    BACULA_LOG_USEDEVICE: `Using Device "%{BACULA_DEVICE:${n.device}}"`,
    BACULA_LOG_DIFF_FS: r`\s*%{UNIXPATH} is a different filesystem\. Will not descend from %{UNIXPATH} into it\.`,
    BACULA_LOG_JOBEND: `Job write elapsed time = %{DATA:${n.elapsed}}, Transfer rate = %{NUMBER} [KMG]? ?Bytes/second`,
    BACULA_LOG_NOPRUNE_JOBS: r`No Jobs found to prune\.`,
    BACULA_LOG_NOPRUNE_FILES: r`No Files found to prune\.`,
    BACULA_LOG_VOLUME_PREVWRITTEN: r`Volume "?${cap('BACULA_VOLUME', n.volume)}"? previously written, moving to end of data\.`,
    BACULA_LOG_READYAPPEND: `Ready to append to end of ${vol} size=${cap('INT', n.size)}`,
    BACULA_LOG_CANCELLING: r`Cancelling duplicate JobId=${cap('INT', n.otherJob)}\.`,
    BACULA_LOG_MARKCANCEL: r`JobId %{INT}, Job %{BACULA_JOB:${n.job}} marked to be canceled\.`,
    BACULA_LOG_CLIENT_RBJ: `shell command: run ClientRunBeforeJob "%{GREEDYDATA:${n.runBefore}}"`,
    BACULA_LOG_VSS: '(?:Generate )?VSS (?:Writer)?',
    BACULA_LOG_MAXSTART: r`Fatal [eE]rror: Job canceled because max start delay time exceeded\.`,
    BACULA_LOG_DUPLICATE: r`Fatal [eE]rror: JobId ${cap('INT', n.otherJob)} already running\. Duplicate job not allowed\.`,
    BACULA_LOG_NOJOBSTAT: r`Fatal [eE]rror: No Job status returned from FD\.`,
    BACULA_LOG_FATAL_CONN: `Fatal [eE]rror: bsock\\.c:[0-9]+ Unable to connect to ${peer}`,
    BACULA_LOG_NO_CONNECT: `Warning: bsock\\.c:[0-9]+ Could not connect to ${peer}`,
    BACULA_LOG_NO_AUTH: r`Fatal [eE]rror: Unable to authenticate with File daemon at "?${cap('IPORHOST', n.address)}(?::${cap('POSINT', n.port)})?"?\. Possible causes:`,
    BACULA_LOG_NOSUIT: r`No prior or suitable Full backup found in catalog\. Doing FULL backup\.`,
    BACULA_LOG_NOPRIOR: r`No prior Full backup Job record found\.`,
    BACULA_LOG_JOB: r`(?:Error: )?Bacula %{BACULA_HOST} %{BACULA_VERSION} \(%{BACULA_VERSION}\):`,
  };
  const messages = Object.keys(p).map((k) => `%{${k}}`);
  p.BACULA_LOG = `%{BACULA_TIMESTAMP:${n.timestamp}}:? %{BACULA_HOST:${n.host}}(?: JobId %{INT:${n.jobId}})?:? (?:${messages.join('|')})`;
  return p;
}

export const bacula: PatternFamily = {
  common: {
    BACULA_TIMESTAMP: '%{MONTHDAY}-%{MONTH}(?:-%{YEAR})? %{HOUR}:%{MINUTE}',
    BACULA_HOST: '%{HOSTNAME}',
    BACULA_VOLUME: '%{USER}',
    BACULA_DEVICE: '%{USER}',
    BACULA_DEVICEPATH: '%{UNIXPATH}',
    BACULA_CAPACITY: '[0-9]+(?:,[0-9]{3})*',
    BACULA_VERSION: '%{USER}',
    BACULA_JOB: '%{USER}',
    BACULA_LOGLINE: '%{BACULA_LOG}',
  },
  legacy: baculaPatterns({
    timestamp: 'bts',
    host: 'hostname',
    jobId: 'jobid',
    volume: 'volume',
    device: 'device',
    error: 'berror',
    client: 'client',
    job: 'job',
    elapsed: 'elapsed',
    otherJob: 'duplicate',
    runBefore: 'runjob',
  }),
  ecs: baculaPatterns({
    timestamp: 'timestamp',
    host: '[host][hostname]',
    jobId: '[bacula][job][id]',
    volume: '[bacula][volume][name]',
    device: '[bacula][volume][device]',
    devicePath: '[bacula][volume][path]',
    bytes: '[bacula][volume][bytes]',
    blocks: '[bacula][volume][blocks]',
    at: '[bacula][timestamp]',
    error: '[error][message]',
    filePath: '[file][path]',
    client: '[bacula][client][name]',
    job: '[bacula][job][name]',
    elapsed: '[bacula][job][elapsed_time]',
    size: '[bacula][volume][size]:int',
    otherJob: '[bacula][job][other_id]',
    runBefore: '[bacula][job][client_run_before_command]',
    address: '[client][address]',
    port: '[client][port]:int',
  }),
};
