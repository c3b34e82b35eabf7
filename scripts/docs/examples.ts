// The hand-written examples of docs/configuration.md, one per section and per component type.
// Each is a complete configuration that the docs test loads and builds, so none can go stale.

export const EXAMPLES: Record<string, string> = {
  top: `data_dir: ./data            # warehouse and state, relative to this file
include: [pipelines/*.yaml] # more files; each may hold pipelines, flows, subsystems, ...
warehouse: { type: duckdb, path: mortar.duckdb }
server: { host: 0.0.0.0, port: 8080 }
ingest: { batch_rows: 20000, batch_interval: 250ms }`,

  subsystems: `subsystems:
  gateway:
    description: HA pair forwarding sensor alarms
    components: [gw-a, gw-b]
edges:
  - { from: sensors, to: gateway, description: alarms over TCP }
  - { from: gateway, to: alarm-server }`,

  pipeline: `pipelines:
  gateway:
    description: gateway JSON lines
    subsystem: gateway
    source: { type: file, include: ["gateway/*.log"] }
    parsers: [{ type: json }]
    transforms: [{ type: filter, drop: { field: level, equals: debug } }]
    map:
      ts: { from: time, format: iso8601 }
      component: "{host}"
      type: "{event}"
      severity: { from: level, default: info }
      keys: { alarm_ref: "{alarm_ref}" }`,

  'source.file': `pipelines:
  app:
    subsystem: app
    source:
      type: file
      include: ["app/*.log", "app/*.log.*.gz"]
      exclude: ["app/debug-*.log"]
      start_at: beginning
      max_line_bytes: 1048576
      encoding: utf-8
      fingerprint: { strategy: first_line, bytes: 1024 }
    parsers: [{ type: json }]`,

  'source.syslog': `pipelines:
  network:
    subsystem: network
    source: { type: syslog, listen: "0.0.0.0:5514", protocol: both }
    parsers: [{ type: syslog, timezone: UTC }]
    map: { ts: { from: timestamp, format: iso8601 }, component: "{hostname}" }`,

  'source.http': `pipelines:
  pushed:
    subsystem: app
    source: { type: http, listen: "127.0.0.1:8081", path: /ingest, token_env: MORTAR_PUSH_TOKEN }
    parsers: [{ type: json }]`,

  'source.otlp': `pipelines:
  otel:
    subsystem: app
    source: { type: otlp, listen: "127.0.0.1:4318" }
    parsers: [{ type: json }]`,

  'source.poll': `pipelines:
  status:
    subsystem: video
    source:
      type: poll
      url: http://127.0.0.1:9000/status
      interval: 5s
      heartbeat: 1m
      ignore_fields: [uptime, now]
    parsers: [{ type: json }]
    map: { kind: status }`,

  'source.stdin': `pipelines:
  backfill:
    subsystem: app
    source: { type: stdin }
    parsers: [{ type: kv, mode: logfmt }]`,

  'framing.lines': `pipelines:
  app:
    subsystem: app
    source: { type: file, include: ["app.log"] }
    framing: { type: lines }
    parsers: [{ type: json }]`,

  'framing.multiline': `pipelines:
  console:
    subsystem: console
    source: { type: file, include: ["console/*.log"] }
    framing: { type: multiline, start: "^\\\\d{4}-\\\\d{2}-\\\\d{2} ", timeout: 1s, max_lines: 500 }
    parsers:
      - type: regex
        pattern: "^(?<time>\\\\S+ \\\\S+) (?<level>\\\\w+) (?<message>[\\\\s\\\\S]*)$"
    map: { ts: { from: time, format: "%Y-%m-%d %H:%M:%S.%f", timezone: Europe/Berlin } }`,

  'parser.regex': `pipelines:
  sensors:
    subsystem: sensors
    source: { type: file, include: ["sensors/*.log"] }
    parsers:
      - type: regex
        pattern: "^(?<time>[^;]+);(?<controller>[^;]+);(?<event>[^;]+);(?<evt>\\\\d+)"
        types: { evt: int }
    map:
      ts: { from: time, format: "%Y-%m-%d %H:%M:%S.%f", timezone: Europe/Berlin }
      component: "{controller}"
      keys: { evt: "{evt}" }`,

  'parser.json': `pipelines:
  gateway:
    subsystem: gateway
    source: { type: file, include: ["gateway/*.log"] }
    parsers: [{ type: json }]
    map: { ts: { from: ts, format: epoch_ms } }`,

  'parser.kv': `pipelines:
  video:
    subsystem: video
    source: { type: file, include: ["video/*.log"] }
    parsers: [{ type: kv, mode: logfmt, types: { clip_ms: int } }]
    map: { ts: { from: t, format: iso8601 }, keys: { alarm_id: "{alarm}" } }`,

  'parser.csv': `pipelines:
  export:
    subsystem: erp
    source: { type: file, include: ["export/*.csv"] }
    parsers: [{ type: csv, header: true, delimiter: ";", types: { amount: float } }]`,

  'parser.syslog': `pipelines:
  alarms:
    subsystem: alarm-server
    source: { type: file, include: ["alarm-server/*.log"] }
    parsers: [{ type: syslog, format: auto, timezone: UTC, structured_data: flat }]
    map: { ts: { from: timestamp, format: iso8601 }, keys: { alarm_id: "{alarm_id}" } }`,

  'parser.grok': `pipelines:
  web:
    subsystem: web
    source: { type: file, include: ["httpd/access.log"] }
    parsers:
      - type: grok
        patterns: ["%{COMBINEDAPACHELOG}"]
        ecs_compatibility: disabled
    map: { ts: { from: timestamp, format: "%d/%b/%Y:%H:%M:%S %z" } }`,

  'transform.filter': `pipelines:
  app:
    subsystem: app
    source: { type: file, include: ["app.log"] }
    parsers: [{ type: json }]
    transforms:
      - type: filter
        drop: { any: [{ field: level, in: [debug, trace] }, { field: path, matches: "^/health" }] }`,

  'transform.enrich': `pipelines:
  sensors:
    subsystem: sensors
    source: { type: file, include: ["sensors/*.log"] }
    parsers: [{ type: kv }]
    transforms:
      - type: enrich
        field: zone
        table: { west-3: { building: B1, floor: 3 } }
        default: { building: unknown }
        prefix: site_`,

  map: `pipelines:
  app:
    subsystem: app
    source: { type: file, include: ["app.log"] }
    parsers: [{ type: json }]
    map:
      ts: { from: time, format: "%d/%b/%Y:%H:%M:%S %z" }
      subsystem: app
      component: "{host}"
      kind: { from: category, values: { security: audit }, default: log }
      type: "order.{action}"
      severity: { from: level, values: { W: warning, E: error }, default: info }
      message: "{msg}"
      keys: { order_id: "{order}", user: { from: who, pattern: "^user:(.*)$" } }
      attrs: { exclude: [password] }`,

  preset: `pipelines:
  web:
    subsystem: web
    source: { type: file, include: ["nginx/access.log*"] }
    preset: nginx_access
  db:
    subsystem: db
    source: { type: file, include: ["postgresql/*.log"] }
    preset: { name: postgresql, timezone: Europe/Berlin }
    map: { component: db-1 }`,

  flows: `subsystems: { sensors: {}, gateway: {}, alarm-server: {} }
flows:
  alarm:
    description: a sensor alarm until an operator acknowledges it
    sla: 10s
    deadline: 1m
    horizon: 10m
    steps:
      - { name: detected, match: { subsystem: sensors, type: alarm }, key: evt }
      - { name: forwarded, match: { subsystem: gateway }, key: evt, emits: alarm_ref, sla: 2s }
      - { name: raised, match: { subsystem: alarm-server, type: alarm.raised }, key: alarm_ref }`,

  health: `subsystems: { gateway: { components: [gw-a, gw-b] }, sensors: {} }
health:
  rules:
    - { name: down, match: { type: node.down }, state: failed }
    - { name: slow, match: { severity: warning, message: "latency" }, state: degraded, for: 5m }
    - { name: back, match: { type: node.up }, state: ok, clears: [down] }
  subsystems:
    gateway:
      heartbeat: { every: 10s }
      rollup: redundant
      depends_on: [sensors]
  system: { name: site, rollup: worst }
  min_duration: 2s
  flapping: { window: 10m, changes: 6 }`,
};
