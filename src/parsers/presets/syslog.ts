// Presets of files written by rsyslog: /var/log/syslog and /var/log/auth.log in both of the formats
// Debian writes (traditional `Nov 26 16:05:50 host tag[pid]: msg`, and Debian 12's default RFC 3339
// high-precision `2026-11-26T16:05:50.514286+01:00 host tag[pid]: msg`), and HAProxy's http log as
// it arrives there through syslog. Traditional times have no zone and no year: timezone names the
// zone, the year is inferred from the time of reading (syslog parser); RFC 3339 times keep theirs.
import { HTTP_SEVERITY, type Preset, REQUEST_LINE, ZONE } from './preset.ts';

const SYSLOG_FILE = { type: 'syslog', format: 'rfc3164', timezone: ZONE };

export const linuxSyslog: Preset = {
  description: 'Linux /var/log/syslog (rsyslog: traditional or RFC 3339 timestamps)',
  timezone: 'required',
  parsers: [SYSLOG_FILE],
  map: {
    ts: { from: 'timestamp', format: 'iso8601' },
    component: '{hostname}',
    type: 'syslog.{app_name}',
    keys: { pid: '{procid}' },
    attrs: { exclude: ['timestamp'] },
  },
};

/** What an auth.log message says, by the words sshd, su, sudo, login and PAM use. */
const AUTH_WORDS =
  '(Accepted|Failed password|Failed publickey|authentication failure|FAILED SU|Invalid user|could not identify password|incorrect password|session opened|session closed|COMMAND=)';

export const linuxAuth: Preset = {
  description: 'Linux /var/log/auth.log (sshd, su, sudo, PAM through rsyslog; both timestamp formats)',
  timezone: 'required',
  parsers: [SYSLOG_FILE],
  map: {
    ts: { from: 'timestamp', format: 'iso8601' },
    component: '{hostname}',
    kind: 'audit',
    type: {
      from: 'message',
      pattern: AUTH_WORDS,
      values: {
        Accepted: 'auth.success',
        'Failed password': 'auth.failure',
        'Failed publickey': 'auth.failure',
        'authentication failure': 'auth.failure',
        'FAILED SU': 'auth.failure',
        'Invalid user': 'auth.failure',
        'could not identify password': 'auth.failure',
        'incorrect password': 'auth.failure',
        'session opened': 'session.opened',
        'session closed': 'session.closed',
        'COMMAND=': 'sudo.command',
      },
      default: 'auth.log',
    },
    severity: {
      from: 'message',
      pattern:
        '(Failed password|Failed publickey|authentication failure|FAILED SU|Invalid user|could not identify password|incorrect password)',
      values: {
        'Failed password': 'warning',
        'Failed publickey': 'warning',
        'authentication failure': 'warning',
        'FAILED SU': 'warning',
        'Invalid user': 'warning',
        'could not identify password': 'warning',
        'incorrect password': 'warning',
      },
      default: 'info',
    },
    keys: {
      pid: '{procid}',
      user: {
        from: 'message',
        pattern:
          '(?:session (?:opened|closed) for user |(?:Accepted|Failed) \\S+ for (?:invalid user )?|Invalid user | user=|FAILED SU \\(to |password for \\[)([a-z_][a-z0-9_.-]*[$]?)(?=[\\s(),\\]:;]|$)',
      },
      client_ip: { from: 'message', pattern: '(?:from |rhost=)([0-9A-Fa-f:.]*[0-9A-Fa-f])(?:\\s|$)' },
    },
    attrs: { exclude: ['timestamp'] },
  },
};

export const haproxyHttp: Preset = {
  description: 'HAProxy http log lines (option httplog) as rsyslog writes them, either timestamp format',
  timezone: 'required',
  parsers: [
    SYSLOG_FILE,
    {
      type: 'regex',
      field: 'message',
      pattern: `^(?:(?<client_ip>\\S+):(?<client_port>\\d+) \\[(?<accept_date>[^\\]]+)\\] (?<frontend>\\S+) (?<backend>[^/\\s]+)/(?<server>\\S+) (?<tr>-?\\d+)/(?<tw>-?\\d+)/(?<tc>-?\\d+)/(?<tr_resp>-?\\d+)/\\+?(?<ta>-?\\d+) (?<status>-?\\d+) \\+?(?<bytes>\\d+) (?<request_cookie>\\S+) (?<response_cookie>\\S+) (?<termination_state>\\S+) (?<actconn>\\d+)/(?<feconn>\\d+)/(?<beconn>\\d+)/(?<srv_conn>\\d+)/\\+?(?<retries>\\d+) (?<srv_queue>\\d+)/(?<backend_queue>\\d+)(?: \\{(?<request_headers>[^}]*)\\})?(?: \\{(?<response_headers>[^}]*)\\})? "${REQUEST_LINE}"?)$`,
      types: {
        client_port: 'int',
        tr: 'int',
        tw: 'int',
        tc: 'int',
        tr_resp: 'int',
        ta: 'int',
        status: 'int',
        bytes: 'int',
        actconn: 'int',
        feconn: 'int',
        beconn: 'int',
        srv_conn: 'int',
        retries: 'int',
        srv_queue: 'int',
        backend_queue: 'int',
      },
    },
  ],
  map: {
    // The accept date: when the request started, local time with milliseconds.
    ts: { from: 'accept_date', format: '%d/%b/%Y:%H:%M:%S.%f', timezone: ZONE },
    component: '{hostname}',
    type: 'http.request',
    severity: HTTP_SEVERITY,
    message: '{request} {status}',
    keys: { client_ip: '{client_ip}', pid: '{procid}' },
    attrs: { exclude: ['timestamp', 'message'] },
  },
};
