// PostgreSQL presets: the stderr log with Debian's log_line_prefix '%m [%p] %q%u@%d ' (PostgreSQL's
// own default '%m [%p] ' is the same without user@database) and the csvlog (PostgreSQL 13-16:
// 24 to 26 columns). Times are written in log_timezone with an abbreviation (CET, UTC), which is
// ambiguous, so the preset's timezone must name log_timezone as an IANA zone.
import { type Preset, ZONE } from './preset.ts';

const START = '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}';

const LEVELS = [
  'DEBUG1',
  'DEBUG2',
  'DEBUG3',
  'DEBUG4',
  'DEBUG5',
  'INFO',
  'NOTICE',
  'WARNING',
  'ERROR',
  'LOG',
];
const PARTS = ['FATAL', 'PANIC', 'DETAIL', 'HINT', 'STATEMENT', 'CONTEXT', 'QUERY', 'LOCATION'];

/** postgresql.error, postgresql.statement, ...: what the line is. */
const TYPE = {
  from: 'level',
  values: Object.fromEntries([...LEVELS, ...PARTS].map((l) => [l, `postgresql.${l.toLowerCase()}`])),
  default: 'postgresql.log',
};

const SEVERITY = {
  from: 'level',
  values: {
    DEBUG1: 'debug',
    DEBUG2: 'debug',
    DEBUG3: 'debug',
    DEBUG4: 'debug',
    DEBUG5: 'debug',
    INFO: 'info',
    NOTICE: 'notice',
    WARNING: 'warning',
    ERROR: 'error',
    LOG: 'info',
    FATAL: 'critical',
    PANIC: 'emergency',
  },
  // DETAIL, HINT, STATEMENT, CONTEXT, QUERY, LOCATION belong to the message before them.
  default: 'info',
};

export const postgresql: Preset = {
  description:
    "PostgreSQL stderr log, log_line_prefix '%m [%p] %q%u@%d ' (Debian) or '%m [%p] '; multi-line statements joined",
  timezone: 'required',
  framing: { type: 'multiline', start: START, timeout: '1s', max_lines: 500 },
  parsers: [
    {
      type: 'regex',
      pattern:
        '^(?<time>\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?) (?<tz>[A-Za-z][A-Za-z0-9/_+-]*|[+-]\\d+) \\[(?<pid>\\d+)\\] (?:(?<user>[^@\\s]*)@(?<database>\\S*) )?(?<level>[A-Z]+[0-9]?):  (?<message>[\\s\\S]*)$',
      types: { pid: 'int' },
    },
  ],
  map: {
    ts: { from: 'time', format: 'iso8601', timezone: ZONE },
    type: TYPE,
    severity: SEVERITY,
    keys: {
      pid: '{pid}',
      user: { from: 'user', pattern: '^[^[].*' },
      database: { from: 'database', pattern: '^[^[].*' },
    },
    attrs: { exclude: ['time'] },
  },
};

/** csvlog columns in order (PostgreSQL 15); older servers write fewer at the end. */
const CSV_COLUMNS = [
  'log_time',
  'user_name',
  'database_name',
  'process_id',
  'connection_from',
  'session_id',
  'session_line_num',
  'command_tag',
  'session_start_time',
  'virtual_transaction_id',
  'transaction_id',
  'level',
  'sql_state_code',
  'message',
  'detail',
  'hint',
  'internal_query',
  'internal_query_pos',
  'context',
  'query',
  'query_pos',
  'location',
  'application_name',
  'backend_type',
  'leader_pid',
  'query_id',
];

export const postgresqlCsv: Preset = {
  description: 'PostgreSQL csvlog (log_destination = csvlog), quoted multi-line values joined',
  timezone: 'required',
  framing: { type: 'multiline', start: START, timeout: '1s', max_lines: 500 },
  parsers: [
    {
      type: 'csv',
      columns: CSV_COLUMNS,
      strict_columns: false,
      types: { process_id: 'int', session_line_num: 'int', transaction_id: 'int', query_pos: 'int' },
    },
    {
      type: 'regex',
      field: 'log_time',
      pattern: '^(?<time>\\S+ \\S+) (?<tz>\\S+)$',
    },
  ],
  map: {
    ts: { from: 'time', format: 'iso8601', timezone: ZONE },
    type: TYPE,
    severity: SEVERITY,
    keys: {
      pid: '{process_id}',
      user: '{user_name}',
      database: '{database_name}',
      session_id: '{session_id}',
      client: '{connection_from}',
    },
    attrs: { exclude: ['log_time', 'time'] },
  },
};
