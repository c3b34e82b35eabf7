// The configuration's shape, declared once with zod: validation at load (unknown keys rejected,
// every error collected with its path) and the generated JSON Schema for editors both come from
// here. Semantic checks that zod cannot express (regexes compile, zones exist) live in validate.ts.
import { z } from 'zod';
import { KINDS, SEVERITIES } from '../events/event.ts';

const duration = z
  .string()
  .regex(/^\d+(\.\d+)?\s*(ms|s|m|h|d)$/, 'expected a duration such as 250ms, 5s, 2m, 1h')
  .describe('A duration: a number followed by ms, s, m, h or d.');

const name = z
  .string()
  .regex(
    /^[a-z][a-z0-9_-]*$/,
    'expected a lower-case name: letters, digits, - and _, starting with a letter',
  );

/** A literal, or a template whose `{field}` placeholders are replaced by parsed fields (`{{` for a brace). */
const template = z
  .string()
  .describe('Literal text, or a template with {field} placeholders filled from parsed fields.');

const lookup = z
  .strictObject({
    from: z.string().describe('Parsed field to read.'),
    pattern: z
      .string()
      .optional()
      .describe(
        'Regular expression applied to the field; its first capture group (or the match) is the value.',
      ),
    values: z
      .record(z.string(), z.string())
      .optional()
      .describe('Translation table: parsed value -> result.'),
    default: z.string().optional().describe('Result when the field is missing or not in `values`.'),
  })
  .describe('Reads a parsed field, optionally translated through a table.');

const valueSpec = z.union([template, lookup]);

export const TS_FORMATS_NAMED = ['iso8601', 'epoch_s', 'epoch_ms', 'epoch_us', 'epoch_ns'] as const;

const timestampSpec = z
  .strictObject({
    from: z.string().describe('Parsed field that holds the event time.'),
    format: z
      .string()
      .describe(
        'strptime-style format (%Y-%m-%d %H:%M:%S.%f, %z, %b, ...) or one of iso8601, epoch_s, epoch_ms, epoch_us, epoch_ns.',
      ),
    timezone: z
      .string()
      .optional()
      .describe(
        'IANA zone (Europe/Berlin) or UTC, for formats without an offset. Required when the format has none.',
      ),
  })
  .describe('Where the event time comes from. Without it, the ingest time is used.');

const mapSpec = z
  .strictObject({
    ts: timestampSpec.optional(),
    subsystem: valueSpec.optional().describe('Defaults to the pipeline subsystem.'),
    component: valueSpec.optional().describe('Defaults to the subsystem.'),
    kind: valueSpec.optional().describe(`One of ${KINDS.join(', ')}; defaults to log.`),
    type: valueSpec.optional().describe('Event type such as alarm.raised; defaults to the kind.'),
    severity: valueSpec
      .optional()
      .describe(`One of ${SEVERITIES.join(', ')} (common spellings like WARN, ERR, FATAL are understood).`),
    message: valueSpec.optional().describe('Defaults to the parsed field `message`, else the raw text.'),
    keys: z
      .record(z.string(), valueSpec)
      .optional()
      .describe('Correlation ids (alarm_id, evt, ...). Empty values are left out.'),
    attrs: z
      .strictObject({
        include: z.array(z.string()).optional().describe('Only these parsed fields; default: all.'),
        exclude: z.array(z.string()).optional().describe('Leave these parsed fields out.'),
      })
      .optional()
      .describe(
        'Which parsed fields are kept as attributes. Fields used by keys/ts are left out by default.',
      ),
  })
  .describe('Turns parsed fields into the event.');

const fieldTypes = z.record(z.string(), z.enum(['string', 'int', 'float', 'bool']));

const regexParser = z
  .strictObject({
    type: z.literal('regex'),
    pattern: z.string().describe('JavaScript regular expression with named groups (?<name>...).'),
    field: z.string().optional().describe('Parsed field to match against; default: the record text.'),
    types: fieldTypes.optional().describe('Converts captured groups: int, float, bool.'),
  })
  .describe('Extracts named groups with a regular expression.');

const jsonParser = z
  .strictObject({
    type: z.literal('json'),
    field: z.string().optional().describe('Parsed field holding JSON; default: the record text.'),
  })
  .describe('Parses a JSON object; nested objects become nested attributes.');

const kvParser = z
  .strictObject({
    type: z.literal('kv'),
    field: z.string().optional().describe('Parsed field to read; default: the record text.'),
    mode: z
      .enum(['kv', 'logfmt'])
      .optional()
      .describe(
        'logfmt: Go logfmt (key=value, key="quoted \\"value\\"", bare key = true, key= = ""); fixes field_split, value_split and quotes.',
      ),
    field_split: z.string().min(1).optional().describe('Separates pairs; default: any whitespace.'),
    value_split: z.string().min(1).optional().describe('Separates a key from its value; default: =.'),
    quotes: z
      .array(z.string().length(1))
      .optional()
      .describe('Characters that quote a value (backslash escapes inside); default: " and \'.'),
    prefix: z.string().optional().describe('Put before every key to name its field.'),
    include_keys: z.array(z.string()).optional().describe('Only these keys (as written in the input).'),
    exclude_keys: z.array(z.string()).optional().describe('Leave these keys out.'),
    trim: z
      .boolean()
      .default(true)
      .describe('Strip whitespace around keys and values (when field_split is not whitespace).'),
    duplicates: z
      .enum(['last', 'first', 'array'])
      .default('last')
      .describe('A key that occurs again: keep the last value, the first, or all of them in an array.'),
    types: fieldTypes.optional().describe('Converts values by key: int, float, bool.'),
  })
  .describe('Extracts key=value pairs (or logfmt); words without a value separator are skipped.');

const csvParser = z
  .strictObject({
    type: z.literal('csv'),
    field: z.string().optional().describe('Parsed field to read; default: the record text.'),
    columns: z.array(z.string().min(1)).min(1).optional().describe('Field names of the columns, in order.'),
    header: z
      .boolean()
      .default(false)
      .describe(
        "Each file's first line is a header: it names the columns (unless columns is set) and yields no event (counted as filtered).",
      ),
    delimiter: z.string().length(1).default(',').describe('Separates values, e.g. ; or a tab.'),
    quote: z
      .string()
      .length(1)
      .default('"')
      .describe('Quotes a value; doubled inside one it stands for itself.'),
    strict_columns: z
      .boolean()
      .default(true)
      .describe(
        'More or fewer values than columns make a dead letter; false: missing ones are left out, extra ones named columnN.',
      ),
    types: fieldTypes.optional().describe('Converts columns: int, float, bool (an empty value is left out).'),
  })
  .describe('Splits a record of delimiter-separated values (RFC 4180 quoting) into named columns.');

const syslogParser = z
  .strictObject({
    type: z.literal('syslog'),
    field: z.string().optional().describe('Parsed field to read; default: the record text.'),
    format: z
      .enum(['auto', 'rfc3164', 'rfc5424'])
      .default('auto')
      .describe('auto: RFC 5424 when a version follows the PRI, else RFC 3164 (BSD).'),
    timezone: z
      .string()
      .optional()
      .describe(
        'IANA zone (Europe/Berlin) or UTC of RFC 3164 times, which have none; required unless rfc5424.',
      ),
    structured_data: z
      .enum(['nested', 'flat'])
      .default('nested')
      .describe('nested: structured_data.<SD-ID>.<name>; flat: every SD parameter is a field of its own.'),
    types: fieldTypes.optional().describe('Converts structured-data parameters by name: int, float, bool.'),
  })
  .describe(
    'Parses syslog (RFC 5424 or 3164): pri, facility, severity, timestamp, hostname, app_name, procid, msgid, structured_data, message.',
  );

const grokParser = z
  .strictObject({
    type: z.literal('grok'),
    patterns: z
      .array(z.string())
      .min(1)
      .describe(
        'Grok patterns tried in order, the first match wins: %{NAME}, %{NAME:field}, %{NAME:field:int|float}, nested [a][b] fields, (?<field>regex).',
      ),
    field: z.string().optional().describe('Parsed field to match against; default: the record text.'),
    pattern_definitions: z
      .record(z.string(), z.string())
      .optional()
      .describe('Custom patterns NAME: definition; they may use each other and override library patterns.'),
    ecs_compatibility: z
      .enum(['disabled', 'v1', 'v8'])
      .default('v1')
      .describe(
        "Field names of the library patterns: v1 (ECS, Logstash 8's default; v8 is the same) or disabled (legacy names such as clientip, verb, response).",
      ),
  })
  .describe('Matches Logstash-compatible grok patterns (a library of named patterns) and adds the captures.');

export const parserSpec = z.discriminatedUnion('type', [
  regexParser,
  jsonParser,
  kvParser,
  csvParser,
  syslogParser,
  grokParser,
]);

const fileSource = z
  .strictObject({
    type: z.literal('file'),
    include: z
      .array(z.string())
      .min(1)
      .describe('Glob patterns of files to read, relative to the data directory.'),
    exclude: z.array(z.string()).optional(),
    start_at: z
      .enum(['beginning', 'end'])
      .default('beginning')
      .describe('Where to start in a file never seen before.'),
    poll_interval: duration.default('250ms'),
    max_line_bytes: z.number().int().positive().default(1_048_576),
    encoding: z
      .enum(['utf-8', 'latin1', 'utf-16le', 'utf-16be'])
      .default('utf-8')
      .describe(
        'Text encoding of the files; for UTF-16 a byte order mark at the start decides the byte order.',
      ),
    fingerprint: z
      .strictObject({
        strategy: z
          .enum(['first_line', 'device_inode'])
          .default('first_line')
          .describe(
            'first_line: a file is its content (first `bytes` bytes, or the first line if longer): survives renames, restarts and copies. device_inode: a file is its device and inode, for files whose beginnings are identical (copies and archives are then read again).',
          ),
        bytes: z
          .number()
          .int()
          .min(1)
          .max(65_536)
          .default(1024)
          .describe('How many bytes from the start identify a file (at least its first line).'),
      })
      .default({ strategy: 'first_line', bytes: 1024 })
      .describe('How a file is recognised across renames, rotations and restarts.'),
  })
  .describe(
    'Tails files: follows appends and rotation (rename, copytruncate, delete, gzip archives, symlink switches), resumes from committed positions.',
  );

const listen = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[^:\s[\]]+):\d{1,5}$/, 'expected host:port, e.g. 0.0.0.0:5514 or [::]:5514')
  .describe('Address to listen on, host:port (0.0.0.0 or [::] for every interface).');

const count = (dflt: number) => z.number().int().positive().default(dflt);

const syslogSource = z
  .strictObject({
    type: z.literal('syslog'),
    listen,
    protocol: z
      .enum(['udp', 'tcp', 'both'])
      .default('udp')
      .describe(
        'udp: one datagram per message; tcp: RFC 6587 octet counting or one message per line (detected per connection); both: the same port on each.',
      ),
    max_line_bytes: count(65_536).describe('Longest message; longer ones become dead letters.'),
    max_connections: count(256).describe('TCP connections at once; more are refused (counted as refused).'),
    max_pending: count(50_000).describe(
      'Messages held while the pipeline is behind; then TCP stops reading (senders wait) and UDP drops (counted as dropped).',
    ),
    receive_buffer_bytes: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("UDP receive buffer (SO_RCVBUF) for bursts; default: the kernel's."),
  })
  .describe('Receives syslog over UDP and/or TCP; the field _peer is the sender address.');

const intakeOptions = {
  listen,
  token: z.string().min(1).optional().describe('Bearer token clients must send (Authorization: Bearer ...).'),
  token_env: z.string().min(1).optional().describe('Name of an environment variable holding the token.'),
  max_body_bytes: count(10 * 1024 * 1024).describe(
    'Largest request body, also after decompression; larger ones are answered 413.',
  ),
  max_line_bytes: count(1_048_576).describe('Longest record; longer ones become dead letters.'),
  max_pending: count(100_000).describe(
    'Records accepted but not yet committed; beyond this requests are answered 503 with Retry-After.',
  ),
  ack_timeout: duration
    .default('30s')
    .describe(
      'A request not committed within this is answered 503 (the client retries with the same batch id).',
    ),
  dedup_window: z
    .number()
    .int()
    .min(0)
    .default(1000)
    .describe(
      'Last committed batch ids remembered (across restarts): their retries are answered 200, not stored again.',
    ),
};

const httpSource = z
  .strictObject({
    type: z.literal('http'),
    ...intakeOptions,
    path: z.string().regex(/^\//, 'expected a path starting with /').default('/ingest'),
  })
  .describe(
    'Receives POSTed batches: NDJSON or text lines, or a JSON array (application/json); gzip allowed. Needs token or token_env. Answers 200 once committed.',
  );

const otlpSource = z
  .strictObject({
    type: z.literal('otlp'),
    ...intakeOptions,
    path: z.string().regex(/^\//, 'expected a path starting with /').default('/v1/logs'),
  })
  .describe(
    'Receives OpenTelemetry logs over OTLP/HTTP, JSON encoding; each log record is one flat JSON record.',
  );

const pollSource = z
  .strictObject({
    type: z.literal('poll'),
    url: z.string().regex(/^https?:\/\/\S+$/i, 'expected an http:// or https:// URL'),
    interval: duration.default('10s').describe('Time between two GETs.'),
    timeout: duration.default('5s').describe('A GET without an answer within this is a dead letter.'),
    heartbeat: duration.optional().describe('Also record the state after this long without a change.'),
    headers: z.record(z.string(), z.string()).optional().describe('Request headers, e.g. Authorization.'),
    ignore_fields: z
      .array(z.string())
      .optional()
      .describe('JSON fields (a.b reaches into objects) that do not count as a change, e.g. uptime, clocks.'),
    ignore_pattern: z
      .string()
      .optional()
      .describe('Regular expression: text matching it does not count as a change.'),
    max_line_bytes: count(1_048_576).describe('Largest body; a larger one is a dead letter.'),
  })
  .describe(
    'GETs a status endpoint every interval and records its changes (and heartbeats); failures are dead letters.',
  );

const stdinSource = z
  .strictObject({
    type: z.literal('stdin'),
    max_line_bytes: count(1_048_576).describe('Longest line; longer ones become dead letters.'),
  })
  .describe('Reads standard input (framed like a file) until it closes, e.g. for mortar ingest --once.');

export const sourceSpec = z.discriminatedUnion('type', [
  fileSource,
  syslogSource,
  httpSource,
  otlpSource,
  pollSource,
  stdinSource,
]);

const scalar = z.union([z.string(), z.number(), z.boolean()]);

export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | {
      field: string;
      equals?: string | number | boolean;
      in?: (string | number | boolean)[];
      matches?: string;
      exists?: boolean;
      gt?: number;
      gte?: number;
      lt?: number;
      lte?: number;
    };

export const conditionSpec: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(conditionSpec).min(1) }),
    z.strictObject({ any: z.array(conditionSpec).min(1) }),
    z.strictObject({ not: conditionSpec }),
    z
      .strictObject({
        field: z.string().describe('Parsed field (a.b reaches into nested objects).'),
        equals: scalar.optional(),
        in: z.array(scalar).optional(),
        matches: z.string().optional().describe('Regular expression the value must match.'),
        exists: z.boolean().optional(),
        gt: z.number().optional(),
        gte: z.number().optional(),
        lt: z.number().optional(),
        lte: z.number().optional(),
      })
      .describe('Every operator given must hold; no operator: the field exists.'),
  ]),
);

const filterTransform = z
  .strictObject({
    type: z.literal('filter'),
    keep: conditionSpec.optional().describe('Keep only records matching this.'),
    drop: conditionSpec.optional().describe('Drop records matching this.'),
  })
  .describe('Drops records (counted as filtered, never lost): exactly one of keep or drop.');

const enrichTransform = z
  .strictObject({
    type: z.literal('enrich'),
    field: z.string().describe('Parsed field whose value is looked up.'),
    table: z.record(z.string(), z.record(z.string(), scalar)).describe('value -> fields to add.'),
    default: z
      .record(z.string(), scalar)
      .optional()
      .describe('Fields added when the value is not in the table.'),
    prefix: z.string().optional().describe('Prefix for the added field names.'),
    overwrite: z.boolean().default(false).describe('Replace fields that already exist.'),
  })
  .describe('Adds fields from a static lookup table.');

export const transformSpec = z.discriminatedUnion('type', [filterTransform, enrichTransform]);

const linesFraming = z.strictObject({ type: z.literal('lines') }).describe('One record per line.');
const multilineFraming = z
  .strictObject({
    type: z.literal('multiline'),
    start: z.string().describe('Regular expression a record’s first line matches; other lines continue it.'),
    timeout: duration.default('1s').describe('Emit a pending record after this long without a new line.'),
    max_lines: z.number().int().positive().default(500),
  })
  .describe('Joins continuation lines (stack traces) to the line that starts the record.');

export const framingSpec = z.discriminatedUnion('type', [linesFraming, multilineFraming]);

export const clockSpec = z
  .strictObject({
    offset_ms: z
      .number()
      .default(0)
      .describe(
        'Added to the event time of every event (negative: the clock runs ahead), before flow latencies.',
      ),
    components: z
      .record(z.string(), z.number())
      .optional()
      .describe('Offset in ms per component, instead of offset_ms (e.g. one controller 2.5 s ahead: -2500).'),
  })
  .describe(
    'Clock correction applied to event times when flows are computed (stored events keep their time).',
  );

/** Ready-made pipelines for common formats; their definitions are data in src/parsers/presets/. */
export const PRESET_NAMES = [
  'nginx_access',
  'nginx_error',
  'apache_access',
  'apache_error',
  'postgresql',
  'postgresql_csv',
  'linux_syslog',
  'linux_auth',
  'haproxy_http',
  'redis',
  'clickhouse',
] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

const presetName = z.enum(PRESET_NAMES);
export const presetSpec = z
  .union([
    presetName,
    z.strictObject({
      name: presetName,
      timezone: z
        .string()
        .optional()
        .describe(
          'IANA zone (Europe/Berlin) or UTC the program writes its local times in; required by presets whose times carry no offset.',
        ),
    }),
  ])
  .describe(
    'A known log format: supplies framing (when framing is lines), parsers and map; your own parsers run after its parsers, your map entries override its map.',
  );

export const pipelineSpec = z
  .strictObject({
    description: z.string().optional(),
    subsystem: name.describe('Subsystem the events belong to unless map.subsystem says otherwise.'),
    source: sourceSpec,
    preset: presetSpec.optional(),
    framing: framingSpec.default({ type: 'lines' }),
    parsers: z
      .array(parserSpec)
      .default([])
      .describe('Applied in order; each adds fields. At least one, unless a preset is given.'),
    transforms: z
      .array(transformSpec)
      .default([])
      .describe('Verbs on the parsed fields, in order, before map: filter, enrich.'),
    map: mapSpec.default({}),
    clock: clockSpec.optional(),
  })
  .superRefine((p, ctx) => {
    if (p.preset === undefined && p.parsers.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['parsers'],
        message: 'a pipeline needs at least one parser, or a preset (e.g. preset: nginx_access)',
      });
  })
  .describe('source -> framing -> parsers -> map -> event.');

const oneOrMany = z.union([z.string(), z.array(z.string()).min(1)]);

export const eventMatchSpec = z
  .strictObject({
    subsystem: oneOrMany.optional(),
    component: oneOrMany.optional(),
    kind: oneOrMany.optional(),
    type: oneOrMany.optional(),
    attrs: z.record(z.string(), oneOrMany).optional().describe('Attribute values (compared as text).'),
  })
  .describe('Which events: every field given must equal the value (or one of the list).');

export const flowStepSpec = z
  .strictObject({
    name: name,
    match: eventMatchSpec,
    key: z.string().describe('Correlation key of this step’s events that joins it to the step it follows.'),
    emits: z
      .string()
      .optional()
      .describe('Another key this step’s events carry; the steps after it join on its value (id bridging).'),
    after: name
      .optional()
      .describe('The step this one follows (default: the previous one); siblings run in parallel.'),
    optional: z
      .boolean()
      .default(false)
      .describe('A missing optional step does not make the alert stuck or lost.'),
    sla: duration.optional().describe('Hop SLA: longest acceptable time from the step it follows.'),
  })
  .describe('One step of a flow.');

export const flowSpec = z
  .strictObject({
    description: z.string().optional(),
    steps: z.array(flowStepSpec).min(2).describe('The first step starts an alert; the others follow it.'),
    sla: duration.optional().describe('End-to-end SLA: first step to the last required step.'),
    deadline: duration
      .default('1m')
      .describe('Not complete this long after the first step (by event time): stuck.'),
    horizon: duration.default('10m').describe('Not complete this long after the first step: lost.'),
  })
  .describe('A declared path one alert takes across subsystems.');

export const subsystemSpec = z.strictObject({
  description: z.string().optional(),
  components: z.array(z.string()).optional().describe('Known components (hosts, instances).'),
  clock: clockSpec.optional(),
});

// Health: rules that turn events into component states, heartbeats, roll-up per subsystem.
export const healthMatchSpec = eventMatchSpec
  .extend({
    severity: oneOrMany.optional().describe('Severities (info, warning, error, ...).'),
    message: z.string().optional().describe('Regular expression (RE2) the message must match.'),
  })
  .describe('Which events: every field given must equal the value (or one of the list).');

const healthNumber = z
  .strictObject({
    attr: z.string().optional().describe('Attribute holding the number.'),
    message: z
      .string()
      .optional()
      .describe('Regular expression (RE2) on the message; its first group is the number.'),
    unit: z.enum(['us', 'ms', 's']).default('ms'),
  })
  .describe('A number read from the event: an attribute or a capture from the message (exactly one).');

const healthRuleSpec = z
  .strictObject({
    name: name.optional().describe('Names the rule in reasons, history and clears (default: state-N).'),
    description: z.string().optional().describe('Reason shown while the rule holds (default: the name).'),
    match: healthMatchSpec,
    state: z
      .enum(['failed', 'degraded', 'stale', 'ok'])
      .describe('The state a matching event sets; ok: a recovery that ends the states of other rules.'),
    scope: z
      .enum(['component', 'subsystem'])
      .default('component')
      .describe(
        'component: the state of one component; subsystem: of the whole subsystem (e.g. no active HA node).',
      ),
    component: z
      .strictObject({ attr: z.string().describe('Attribute naming the component (e.g. peer).') })
      .optional()
      .describe("The component the state is about; default: the event's own."),
    since: healthNumber
      .optional()
      .describe('Backdates the start by this much (e.g. a takeover reporting how long its peer was silent).'),
    for: duration
      .optional()
      .describe('How long one event holds the state; default: until a recovery rule clears it.'),
    clears: z
      .array(name)
      .optional()
      .describe(
        'Recovery rules (state ok): the rules whose states this ends; default: every rule of the scope.',
      ),
  })
  .describe('Maps events to a state of the component (or subsystem) they are about.');

const rollupFunction = z.enum(['worst', 'redundant', 'n_of_m', 'percentage', 'weighted']);
const rollupSpec = z
  .union([
    rollupFunction,
    z.strictObject({
      function: rollupFunction,
      n: z.number().int().positive().optional().describe('n_of_m: ok while at least n members are ok.'),
      min: z
        .number()
        .int()
        .positive()
        .optional()
        .describe('n_of_m: failed while fewer than min members are not failed (default 1).'),
      ok: z
        .number()
        .min(0)
        .max(100)
        .optional()
        .describe(
          'percentage/weighted: ok while at least this % (by weight) of the members is ok (default 100).',
        ),
      degraded: z
        .number()
        .min(0)
        .max(100)
        .optional()
        .describe(
          'percentage/weighted: failed while less than this % (by weight) is not failed (default 1).',
        ),
      weights: z
        .record(z.string(), z.number().positive())
        .optional()
        .describe('weighted: member -> weight (default 1).'),
    }),
  ])
  .describe(
    'How member states combine: worst (default), redundant (failed only when all members are; a failed member makes it degraded), n_of_m, percentage, weighted.',
  );

const healthSubsystemSpec = z
  .strictObject({
    heartbeat: z
      .strictObject({
        match: healthMatchSpec.default({ type: 'heartbeat' }),
        every: duration.describe('Expected period.'),
        stale_after: duration.optional().describe('No heartbeat for this long: stale (default 2.5 periods).'),
      })
      .optional()
      .describe("The components' sign of life, within this subsystem."),
    rollup: rollupSpec.default('worst'),
    depends_on: z
      .array(name)
      .optional()
      .describe('Subsystems this one needs: its failures while one of them is failed are marked suppressed.'),
  })
  .describe('Health of one subsystem.');

export const healthSpec = z
  .strictObject({
    rules: z.array(healthRuleSpec).default([]),
    subsystems: z.record(name, healthSubsystemSpec).default({}),
    system: z
      .strictObject({
        name: name.default('system'),
        rollup: rollupSpec.default('worst'),
      })
      .optional()
      .describe('The whole: rolled up from the subsystems.'),
    min_duration: duration.default('0s').describe('A state must hold this long to be reported (hysteresis).'),
    flapping: z
      .strictObject({
        window: duration.default('10m'),
        changes: z
          .number()
          .int()
          .min(2)
          .default(6)
          .describe('This many state changes within the window: flapping.'),
      })
      .optional(),
    hindsight: duration
      .default('10m')
      .describe('How far back the live runner rewrites history as late evidence arrives (backdated rules).'),
    lookback: duration
      .default('30m')
      .describe('Events before a processed window read for context (heartbeat gaps, rules with for).'),
    interval: duration.default('1s').describe('How often the live runner recomputes.'),
  })
  .describe('Component states from events, rolled up to subsystems and the system.');

// Reports (src/reports/): a report is a declaration over a dataset of the semantic layer; the
// engine checks dataset, dimension and measure names (this shape only checks the form).
const reportFilterSpec = z
  .strictObject({
    id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a lower-case id: letters, digits and _'),
    kind: z.enum(['time_range', 'multi_select', 'text', 'number_range']),
    dimension: z.string().describe('Dataset dimension the filter applies to.'),
    label: z.string().optional(),
    default: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .describe('time_range: now-24h..now or ISO..ISO; multi_select: values; number_range: min..max.'),
    depends_on: z
      .array(z.string())
      .optional()
      .describe('Filters whose values narrow this one (picking a subsystem narrows the components).'),
    min: z.number().optional(),
    max: z.number().optional(),
    required: z.boolean().optional().describe('The report cannot run without a value (default: false).'),
  })
  .describe('A filter the UI offers; its values are checked against its domain on every run.');

const reportMeasureSpec = z.union([
  z.string().describe('A measure of the dataset, by name.'),
  z
    .strictObject({
      name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a lower-case name: letters, digits and _'),
      agg: z
        .enum(['count', 'count_distinct', 'sum', 'avg', 'min', 'max', 'p50', 'p95', 'p99', 'rate', 'ratio'])
        .describe('Aggregate; rate is count per second/minute; ratio divides two measures.'),
      of: z.string().optional().describe('Dimension or numeric field aggregated (not for count and rate).'),
      per: z.enum(['second', 'minute']).optional().describe('rate: the time unit (default second).'),
      numerator: z.string().optional().describe('ratio: measure name.'),
      denominator: z.string().optional().describe('ratio: measure name.'),
      scale: z.number().optional().describe('ratio: factor applied, e.g. 100 for a percentage.'),
      label: z.string().optional(),
      unit: z.string().optional(),
    })
    .describe('A measure defined in the report.'),
]);

const reportDimensionSpec = z.union([
  z.string().describe('A dimension by name; time dimensions take a grain: ts:hour.'),
  z.strictObject({
    dimension: z.string(),
    granularity: z.enum(['minute', 'hour', 'day', 'week']).optional(),
    as: z
      .string()
      .regex(/^[a-z][a-z0-9_]*$/)
      .optional()
      .describe('Column name in the result.'),
    label: z.string().optional(),
  }),
]);

export const REPORT_VISUALS = ['table', 'timeseries', 'bar', 'pie', 'heatmap', 'stat', 'graph'] as const;

export const reportBodySpec = z
  .strictObject({
    title: z.string().min(1),
    description: z.string().default(''),
    dataset: z.string().describe('A dataset of the semantic layer: events, dead_letters, flow_alerts, ...'),
    dimensions: z.array(reportDimensionSpec).default([]),
    measures: z.array(reportMeasureSpec).default([]),
    segments: z.array(z.string()).optional().describe('Named predicates of the dataset, all applied.'),
    filters: z.array(reportFilterSpec).default([]),
    visual: z
      .strictObject({
        type: z.enum(REPORT_VISUALS),
        x: z.string().optional(),
        y: z.union([z.string(), z.array(z.string())]).optional(),
        series: z.string().optional(),
      })
      .default({ type: 'table' }),
    sort: z
      .union([
        z.string(),
        z.strictObject({ column: z.string(), dir: z.enum(['asc', 'desc']).default('asc') }),
      ])
      .optional()
      .describe('Default order: a column, or {column, dir}.'),
    limit: z.number().int().positive().max(100_000).optional().describe('Keep only the first N rows.'),
    drilldown: z
      .strictObject({
        report: z.string().optional(),
        events: z.boolean().optional(),
        bind: z.record(z.string(), z.string()).default({}),
      })
      .optional()
      .describe('What a click on a row opens: another report or the raw events, with filters bound.'),
    refresh_seconds: z.number().int().min(1).max(3600).optional().describe('Re-run this often (live).'),
    tags: z.array(z.string()).optional(),
  })
  .describe('A report: dataset + dimensions + measures + filters + visual + drill-down.');

export const reportSpec = reportBodySpec.extend({
  id: z.string().regex(/^[a-z][a-z0-9_-]*$/, 'expected a lower-case id: letters, digits, - and _'),
});

/** One role of access.roles (also the shape the admin page's policy editor saves, policy.ts). */
export const roleSpec = z.strictObject({
  description: z.string().optional(),
  permissions: z
    .array(z.string())
    .describe(
      'Features: view_cockpit, view_reports, edit_reports, view_raw, export, view_dead_letters, edit_pipelines, manage_users, view_audit, ingest, view_personal_data.',
    ),
  scopes: z
    .record(z.string(), z.array(z.string()))
    .optional()
    .describe(
      'Rows this role may see, per dataset: conditions such as "subsystem in [video, console]" or "attrs.site = {user.site}" (ANDed; a user\'s roles OR together). A dataset without rules is not restricted by this role.',
    ),
});

/** One field mask of access.masks (also saved by the policy editor). */
export const maskSpec = z.strictObject({
  dataset: z
    .string()
    .default('events')
    .describe('The dataset whose field is masked (events, dead_letters, flow_alerts, ...).'),
  field: z
    .string()
    .describe(
      'A text dimension of the dataset: attrs.operator, keys.user, message, component, ... (attrs.a also covers attrs.a.b).',
    ),
  mode: z
    .enum(['hide', 'partial', 'hash'])
    .default('partial')
    .describe(
      'hide: no value; partial: the first 2 characters then *** (values of up to 4 characters: ***); hash: a pseudonym (#, 10 hex digits), equal for equal values.',
    ),
  unless: z
    .string()
    .default('view_personal_data')
    .describe('The permission that shows the real value; everyone without it sees the mask.'),
});

/** What the admin page's policy editor saves: roles and masks, the same shapes as access.roles and access.masks. */
export const policySpec = z.strictObject({
  roles: z.record(name, roleSpec).default({}),
  masks: z.array(maskSpec).default([]),
});
export type PolicyInput = z.input<typeof policySpec>;
export type PolicyDoc = z.infer<typeof policySpec>;

export const accessSpec = z
  .strictObject({
    enabled: z
      .boolean()
      .default(false)
      .describe(
        'Require sign-in. Off: single-user mode, everyone is the local admin (keep the server on loopback).',
      ),
    session_ttl: duration.default('12h').describe('How long a sign-in lasts.'),
    lockout: z
      .strictObject({
        attempts: z
          .number()
          .int()
          .min(1)
          .default(5)
          .describe('Failed logins in a row that lock the account...'),
        duration: duration.default('15m').describe('...for this long.'),
      })
      .default({ attempts: 5, duration: '15m' }),
    logins_per_minute: z
      .number()
      .int()
      .min(1)
      .default(20)
      .describe('Login attempts allowed per client address per minute.'),
    roles: z
      .record(name, roleSpec)
      .optional()
      .describe(
        'Roles beside the built-in admin, analyst, viewer and auditor (a same-named role replaces one).',
      ),
    masks: z
      .array(maskSpec)
      .default([])
      .describe(
        'Fields shown masked on every path (reports and exports, event search and drill-down, catalog, link and pattern examples, pattern templates, dead letters). Reports filter, group and sort on the masked value; message and raw text have the row\'s masked values replaced, and pattern templates the masked values of their events (a template whose events hold over 1000 distinct values of a masked field reads "(hidden: may contain masked values)").',
      ),
    mask_salt: z
      .string()
      .min(16)
      .optional()
      .describe(
        'Secret mixed into hash masks so pseudonyms stay the same across restarts; absent: a random one per server start.',
      ),
    oidc: z
      .strictObject({
        name: z
          .string()
          .min(1)
          .default('single sign-on')
          .describe('Shown on the sign-in page: "Sign in with <name>".'),
        issuer: z
          .url()
          .describe(
            'Issuer URL of the OpenID Connect provider; its /.well-known/openid-configuration is read. https, except on loopback.',
          ),
        client_id: z.string().min(1).describe('The client id Mortar is registered with at the provider.'),
        client_secret_env: z
          .string()
          .optional()
          .describe(
            'Environment variable holding the client secret (client_secret_basic); absent: a public client (PKCE only).',
          ),
        redirect_url: z
          .url()
          .describe(
            "This server's callback as registered at the provider: https://<mortar>/api/auth/oidc/callback. Register https://<mortar>/api/auth/oidc/backchannel-logout as the client's back-channel logout URI (with session required) so a logout at the provider ends the Mortar sessions too.",
          ),
        post_logout_redirect_url: z
          .url()
          .optional()
          .describe(
            "Where the provider sends the browser after a Mortar sign-out ended its session too (post_logout_redirect_uri; register it at the provider); absent: Mortar's sign-in page, redirect_url without /api/auth/oidc/callback. Used when the provider's discovery names an end_session_endpoint.",
          ),
        scopes: z
          .array(z.string())
          .default(['openid', 'profile', 'email'])
          .describe(
            'Scopes requested (openid is always added); add the one that puts groups in the ID token.',
          ),
        user_claim: z
          .string()
          .default('preferred_username')
          .describe('ID token claim that names the Mortar user (preferred_username, email, sub, ...).'),
        roles_from: z
          .enum(['claim', 'store'])
          .default('claim')
          .describe(
            'claim: roles come from roles_claim through role_map at every sign-in (the user is kept in the access store without a password); store: the user must already exist in the access store (mortar user add) and has its stored roles.',
          ),
        roles_claim: z
          .string()
          .default('groups')
          .describe(
            'ID token claim holding group or role names (a string or a list), for roles_from: claim.',
          ),
        role_map: z
          .record(z.string(), z.union([z.string(), z.array(z.string())]))
          .default({})
          .describe(
            'Group or role name in the claim -> Mortar role(s). Names not listed grant nothing; a sign-in that gets no role is refused.',
          ),
        attribute_claims: z
          .record(
            z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a name of letters, digits and _'),
            z.string().min(1),
          )
          .default({})
          .describe(
            'User attribute -> ID token claim, e.g. {site: site}: set from the token at every sign-in, for data scopes such as "site = {user.site}". A claim missing from the token removes the attribute (such a scope then matches nothing); a list claim gives its first value.',
          ),
      })
      .optional()
      .describe(
        'Sign-in through an OpenID Connect provider (authorization code flow with PKCE), beside passwords.',
      ),
  })
  .describe('Who may sign in and what each role may do (see the README, Access).');

/** `mortar agent`: where to ship, how to buffer (see the README, Agents). */
export const agentSpec = z
  .strictObject({
    id: name.describe(
      "This agent's name, unique among the agents of one server (stream positions are kept per id).",
    ),
    servers: z
      .array(z.url().regex(/^https?:\/\//, 'expected an http:// or https:// URL'))
      .min(1)
      .describe('Mortar servers to ship to (base URLs such as https://mortar-1:8080).'),
    balance: z
      .enum(['failover', 'round_robin'])
      .default('failover')
      .describe(
        'failover: stay on one server while it answers; round_robin: the next server for every request.',
      ),
    token_env: z
      .string()
      .optional()
      .describe('Environment variable holding the API token (permission ingest).'),
    token_file: z
      .string()
      .optional()
      .describe('File holding the API token, relative to this file; read again after the server refuses it.'),
    tls: z
      .strictObject({
        ca_file: z.string().optional().describe("PEM file of the CA that signed the servers' certificates."),
        insecure_skip_verify: z
          .boolean()
          .default(false)
          .describe('Accept any certificate (tests only: anyone in between can read and change the data).'),
      })
      .optional(),
    compression: z.enum(['gzip', 'none']).default('gzip'),
    batch_bytes: z
      .number()
      .int()
      .min(1024)
      .default(4 * 1024 * 1024)
      .describe('Ship up to this many (uncompressed) buffer bytes per request.'),
    timeout: duration.default('30s').describe('Give up on a request after this long (then retry).'),
    retry_max: duration.default('30s').describe('Longest wait between retries (they back off from 200ms).'),
    buffer: z
      .strictObject({
        dir: z
          .string()
          .default('agent-buffer')
          .describe('Directory of the disk buffer, relative to data_dir.'),
        max_bytes: z
          .number()
          .int()
          .min(64 * 1024)
          .default(256 * 1024 * 1024)
          .describe('Unshipped bytes the buffer may hold.'),
        segment_bytes: z
          .number()
          .int()
          .min(16 * 1024)
          .default(16 * 1024 * 1024)
          .describe('Size at which a new segment file starts; at most half of max_bytes.'),
        when_full: z
          .enum(['block', 'drop_oldest'])
          .default('block')
          .describe(
            'block: pipelines pause reading until the servers catch up; drop_oldest: delete the oldest unshipped segment and count what it held.',
          ),
      })
      .refine((b) => b.segment_bytes * 2 <= b.max_bytes, {
        message: 'segment_bytes must be at most half of max_bytes',
      })
      .optional(),
    status: z
      .strictObject({
        listen: z
          .string()
          .regex(/^[^:]+:\d+$/, 'expected host:port, e.g. 127.0.0.1:9600')
          .optional()
          .describe("Serve the agent's counters as JSON at http://host:port/status."),
        log_interval: duration.default('30s').describe('Log the counters this often.'),
      })
      .optional(),
  })
  .refine((a) => a.token_env === undefined || a.token_file === undefined, {
    message: 'set token_env or token_file, not both',
  })
  .describe('Agent mode: run the pipelines here and ship events to Mortar servers through a disk buffer.');

/** One file's content: every section optional, so included files can hold any part. */
export const configFileSpec = z
  .strictObject({
    $schema: z.string().optional(),
    include: z.array(z.string()).optional().describe('Further YAML files (globs), relative to this file.'),
    data_dir: z.string().optional().describe('Where the warehouse and state live; relative to this file.'),
    warehouse: z
      .discriminatedUnion('type', [
        z.strictObject({
          type: z.literal('duckdb').default('duckdb'),
          path: z.string().default('mortar.duckdb').describe('Database file, relative to data_dir.'),
        }),
        z
          .strictObject({
            type: z.literal('clickhouse'),
            url: z
              .url()
              .describe('HTTP interface of the server that takes queries, e.g. http://127.0.0.1:8123.'),
            database: z
              .string()
              .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'letters, digits and _ only')
              .default('mortar')
              .describe('Created when missing.'),
            username: z.string().optional(),
            password_env: z
              .string()
              .optional()
              .describe('Name of the environment variable holding the password (never the password itself).'),
            cluster: z
              .string()
              .optional()
              .describe(
                "Cluster name from the servers' remote_servers: tables become Distributed over its shards.",
              ),
            shards: z
              .array(z.url())
              .min(1)
              .optional()
              .describe("With cluster: every shard server's HTTP URL; the schema is created on each."),
            retention_days: z
              .number()
              .int()
              .positive()
              .optional()
              .describe(
                'Keep events of this many whole UTC days before today; older days are dropped hourly.',
              ),
          })
          .refine((w) => (w.cluster === undefined) === (w.shards === undefined), {
            message: 'cluster and shards go together: name the cluster and list every shard server',
          }),
      ])
      .optional()
      .describe('Where events are stored: embedded DuckDB (default) or a ClickHouse server or cluster.'),
    server: z
      .strictObject({
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8080),
        processor_lease: duration
          .default('15s')
          .describe(
            'Several servers on one ClickHouse: how long the processor lease lasts unrenewed (renewed every third of it); a dead holder is replaced after about this long.',
          ),
      })
      .optional(),
    ingest: z
      .strictObject({
        batch_rows: z.number().int().positive().default(20_000).describe('Commit after this many rows...'),
        batch_interval: duration.default('250ms').describe('...or after this long, whichever comes first.'),
        workers: z
          .number()
          .int()
          .min(0)
          .max(64)
          .optional()
          .describe(
            'Worker threads that parse (default: one per core). 0 parses on the main thread, without the per-record time budget.',
          ),
        record_budget: duration
          .default('1s')
          .describe(
            'A record whose parsing takes longer (a runaway regex) becomes a dead letter (regex_timeout); its worker is restarted.',
          ),
      })
      .optional(),
    access: accessSpec.optional(),
    subsystems: z.record(name, subsystemSpec).optional(),
    pipelines: z.record(name, pipelineSpec).optional(),
    flows: z.record(name, flowSpec).optional().describe('Alert paths across subsystems, measured per hop.'),
    edges: z
      .array(
        z.strictObject({
          from: name.describe('Subsystem that sends.'),
          to: name.describe('Subsystem that receives.'),
          description: z.string().optional(),
        }),
      )
      .optional()
      .describe('Declared connections between subsystems; compared with the ones observed in the data.'),
    health: healthSpec.optional(),
    agent: agentSpec.optional(),
    reports: z
      .record(z.string().regex(/^[a-z][a-z0-9_-]*$/), reportBodySpec)
      .optional()
      .describe('Report definitions by id (see the README, Reports).'),
  })
  .describe('Mortar configuration (mortar.yaml and the files it includes).');

export type ConfigFile = z.infer<typeof configFileSpec>;
export type PipelineConfig = z.infer<typeof pipelineSpec>;
export type ParserConfig = z.infer<typeof parserSpec>;
export type PresetConfig = z.infer<typeof presetSpec>;
export type TransformConfig = z.infer<typeof transformSpec>;
export type SourceConfig = z.infer<typeof sourceSpec>;
export type FramingConfig = z.infer<typeof framingSpec>;
export type MapConfig = z.infer<typeof mapSpec>;
export type ValueSpec = z.infer<typeof valueSpec>;
export type TimestampSpec = z.infer<typeof timestampSpec>;
export type SubsystemConfig = z.infer<typeof subsystemSpec>;
export type FlowConfig = z.infer<typeof flowSpec>;
export type EventMatch = z.infer<typeof eventMatchSpec>;
export type HealthConfig = z.infer<typeof healthSpec>;
export type HealthMatch = z.infer<typeof healthMatchSpec>;
export type ReportBodyConfig = z.infer<typeof reportBodySpec>;
export type ReportConfig = z.infer<typeof reportSpec>;
export type AccessConfig = z.infer<typeof accessSpec>;
export type AgentConfig = z.infer<typeof agentSpec>;
