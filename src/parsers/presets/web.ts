// Presets of web servers: nginx and Apache httpd access logs (the combined format both ship,
// with any fields appended after it) and their error logs (nginx's default error_log format,
// Apache 2.4's default ErrorLogFormat with microseconds).
import { HTTP_SEVERITY, type Preset, REQUEST_LINE, ZONE } from './preset.ts';

// nginx escapes quotes as \x22, Apache as \": a quoted value is any run of non-quotes and escapes.
const QUOTED = '(?:[^"\\\\]|\\\\.)*';

/** `%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"`, also nginx's `combined`. */
const COMBINED = `^(?<client_ip>\\S+) (?<ident>\\S+) (?<user>\\S+) \\[(?<time>[^\\]]+)\\] "${REQUEST_LINE}" (?<status>\\d{3}) (?:(?<bytes>\\d+)|-) "(?<referrer>${QUOTED})" "(?<user_agent>${QUOTED})"(?: (?<extra>.*))?$`;

const access = (server: string): Preset => ({
  description: `${server} access log, combined format (extra fields after it are kept as extra)`,
  timezone: 'unused',
  parsers: [{ type: 'regex', pattern: COMBINED, types: { status: 'int', bytes: 'int' } }],
  map: {
    ts: { from: 'time', format: '%d/%b/%Y:%H:%M:%S %z' },
    type: 'http.request',
    severity: HTTP_SEVERITY,
    message: '{request} {status}',
    keys: {
      client_ip: '{client_ip}',
      user: { from: 'user', pattern: '^[^-].*|^-.+' },
    },
    attrs: { exclude: ['ident', 'time'] },
  },
});

export const nginxAccess = access('nginx');
export const apacheAccess = access('Apache httpd');

export const nginxError: Preset = {
  description:
    'nginx error log: `2026/11/26 16:05:50 [error] 23453#23453: *4 message, client: ..., request: "..."`',
  timezone: 'required',
  parsers: [
    {
      type: 'regex',
      pattern: `^(?<time>\\d{4}/\\d{2}/\\d{2} \\d{2}:\\d{2}:\\d{2}) \\[(?<level>[a-z]+)\\] (?<pid>\\d+)#(?<tid>\\d+): (?:\\*(?<connection>\\d+) )?(?<message>.*?)(?:, client: (?<client_ip>[^,]*), server: (?<server>[^,]*)(?:, request: "(?<request>${QUOTED})")?(?:, (?<context>.*))?)?$`,
      types: { pid: 'int', tid: 'int', connection: 'int' },
    },
  ],
  map: {
    ts: { from: 'time', format: '%Y/%m/%d %H:%M:%S', timezone: ZONE },
    type: 'nginx.error_log',
    severity: '{level}',
    keys: { client_ip: '{client_ip}', pid: '{pid}' },
    attrs: { exclude: ['level'] },
  },
};

export const apacheError: Preset = {
  description:
    'Apache httpd 2.4 error log: `[Thu Nov 26 16:05:50.635834 2026] [core:error] [pid 1:tid 2] [client 1.2.3.4:5] AH00128: message`',
  timezone: 'required',
  parsers: [
    {
      type: 'regex',
      pattern:
        '^\\[(?<time>[A-Za-z]{3} [A-Za-z]{3} +\\d{1,2} \\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)? \\d{4})\\] \\[(?:(?<module>[^:\\]]*):)?(?<level>[a-z]+\\d?)\\](?: \\[pid (?<pid>\\d+)(?::tid (?<tid>\\d+))?\\])?(?: \\[client (?<client_ip>[^\\]]*?)(?::(?<client_port>\\d+))?\\])?(?: (?<code>AH\\d+):)? ?(?<message>.*)$',
      types: { pid: 'int', tid: 'int', client_port: 'int' },
    },
  ],
  map: {
    ts: { from: 'time', format: '%a %b %d %H:%M:%S.%f %Y', timezone: ZONE },
    type: 'apache.error_log',
    // trace1..trace8 are debug levels.
    severity: { from: 'level', pattern: '^(trace)\\d|^\\w+' },
    keys: { client_ip: '{client_ip}', pid: '{pid}' },
    attrs: { exclude: ['level'] },
  },
};
