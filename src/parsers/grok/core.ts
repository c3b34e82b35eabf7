// Core grok patterns (Logstash's grok-patterns): numbers, words, strings, network addresses,
// paths, URIs, dates and times, syslog building blocks, log levels. Repetitions are unambiguous
// (each iteration starts with a separator, or alternatives start with different characters), so a
// line that does not match fails in linear time instead of backtracking exponentially.
import type { PatternFamily } from './library.ts';

const r = String.raw;

/** One IPv4 octet, 0-255 (leading zeros tolerated as syslog daemons write them). */
const OCTET = '(?:25[0-5]|2[0-4][0-9]|[01]?[0-9]{1,2})';
const V4 = r`${OCTET}(?:\.${OCTET}){3}`;
const H16 = '[0-9A-Fa-f]{1,4}';
/**
 * RFC 4291 text forms, one alternative per number of groups before `::` (the forms ending in
 * an IPv4 address first, so `::ffff:10.0.0.1` is not cut short at `::ffff:10`).
 */
const IPV6_FORMS = [
  `(?:${H16}:){7}(?:${H16}|:)`,
  `(?:${H16}:){6}(?:${V4}|:${H16}|:)`,
  `(?:${H16}:){5}(?::${V4}|(?::${H16}){1,2}|:)`,
  `(?:${H16}:){4}(?:(?::${H16})?:${V4}|(?::${H16}){1,3}|:)`,
  `(?:${H16}:){3}(?:(?::${H16}){0,2}:${V4}|(?::${H16}){1,4}|:)`,
  `(?:${H16}:){2}(?:(?::${H16}){0,3}:${V4}|(?::${H16}){1,5}|:)`,
  `${H16}:(?:(?::${H16}){0,4}:${V4}|(?::${H16}){1,6}|:)`,
  `:(?:(?::${H16}){0,5}:${V4}|(?::${H16}){1,7}|:)`,
];
const LABEL = '[0-9A-Za-z][0-9A-Za-z-]{0,62}';
const EMAIL_ATOM = "[a-zA-Z0-9!#$%&'*+/=?^_\\x60{|}~-]+";
/** A quoted string with backslash escapes, unrolled so that it cannot backtrack badly. */
const quoted = (q: string) => r`${q}[^${q}\\]*(?:\\.[^${q}\\]*)*${q}`;

const common = {
  USERNAME: '[a-zA-Z0-9._-]+',
  USER: '%{USERNAME}',
  EMAILLOCALPART: r`${EMAIL_ATOM}(?:\.${EMAIL_ATOM})*`,
  EMAILADDRESS: '%{EMAILLOCALPART}@%{HOSTNAME}',
  INT: '[+-]?[0-9]+',
  BASE10NUM: r`(?<![0-9.+-])[+-]?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)`,
  NUMBER: '%{BASE10NUM}',
  BASE16NUM: '(?<![0-9A-Fa-f])[+-]?(?:0x)?[0-9A-Fa-f]+',
  BASE16FLOAT: r`\b(?<![0-9A-Fa-f.])[+-]?(?:0x)?(?:[0-9A-Fa-f]+(?:\.[0-9A-Fa-f]*)?|\.[0-9A-Fa-f]+)\b`,
  POSINT: r`\b[1-9][0-9]*\b`,
  NONNEGINT: r`\b[0-9]+\b`,
  WORD: r`\b\w+\b`,
  NOTSPACE: r`\S+`,
  SPACE: r`\s*`,
  DATA: '.*?',
  GREEDYDATA: '.*',
  QUOTEDSTRING: r`(?<!\\)(?:${quoted('"')}|${quoted("'")}|${quoted('\\x60')})`,
  QS: '%{QUOTEDSTRING}',
  UUID: '[A-Fa-f0-9]{8}-(?:[A-Fa-f0-9]{4}-){3}[A-Fa-f0-9]{12}',
  URN: "urn:[0-9A-Za-z][0-9A-Za-z-]{0,31}:(?:%[0-9A-Fa-f]{2}|[0-9A-Za-z()+,.:=@;$_!*'/?#-])+",

  MAC: '(?:%{CISCOMAC}|%{WINDOWSMAC}|%{COMMONMAC})',
  CISCOMAC: r`(?:[A-Fa-f0-9]{4}\.){2}[A-Fa-f0-9]{4}`,
  WINDOWSMAC: '(?:[A-Fa-f0-9]{2}-){5}[A-Fa-f0-9]{2}',
  COMMONMAC: '(?:[A-Fa-f0-9]{2}:){5}[A-Fa-f0-9]{2}',
  // The lookahead rejects anything without a colon among its first five characters at once.
  IPV6: `(?=[0-9A-Fa-f]{0,4}:)(?:${IPV6_FORMS.join('|')})(?:%[0-9A-Za-z._~-]+)?`,
  IPV4: `(?<![0-9])${V4}(?![0-9])`,
  IP: '(?:%{IPV6}|%{IPV4})',
  HOSTNAME: r`\b${LABEL}(?:\.${LABEL})*\.?`,
  IPORHOST: '(?:%{IP}|%{HOSTNAME})',
  HOSTPORT: '%{IPORHOST}:%{POSINT}',

  PATH: '(?:%{UNIXPATH}|%{WINPATH})',
  UNIXPATH: r`(?:/[\w\u0080-\uffff%!$@:.,+~-]*)+`,
  TTY: '/dev/(?:pts/[0-9]+|tty[A-Za-z]*[0-9]+)',
  WINPATH: r`(?:[A-Za-z]+:|\\)(?:\\[^\\?*]*)+`,
  URIPROTO: '[A-Za-z][A-Za-z0-9+.-]+',
  URIPATH: "(?:/[A-Za-z0-9$.+!*'(){},~:;=@#%&_-]*)+",
  URIQUERY: r`[A-Za-z0-9$.+!*'|(){},~@#%&/=:;_?\[\]<>-]*`,
  URIPARAM: r`\?%{URIQUERY}`,
  URIPATHPARAM: '%{URIPATH}(?:%{URIPARAM})?',
  URI: '%{URIPROTO}://(?:%{USER}(?::[^@]*)?@)?(?:%{URIHOST})?(?:%{URIPATHPARAM})?',

  MONTH: r`\b(?:[Jj]an(?:uary|uar)?|[Ff]eb(?:ruary|ruar)?|[Mm](?:ar(?:ch)?|är(?:z)?|rz)|[Aa]pr(?:il)?|[Mm]a[yi]|[Jj]un[ei]?|[Jj]ul[yi]?|[Aa]ug(?:ust)?|[Ss]ep(?:t(?:ember)?)?|[Oo][ck]t(?:ober)?|[Nn]ov(?:ember)?|[Dd]e[cz](?:ember)?)\b`,
  MONTHNUM: '(?:1[0-2]|0?[1-9])',
  MONTHNUM2: '(?:0[1-9]|1[0-2])',
  MONTHDAY: '(?:3[01]|[12][0-9]|0?[1-9])',
  DAY: r`\b(?:Mon(?:day)?|Tue(?:sday)?|Wed(?:nesday)?|Thu(?:rsday)?|Fri(?:day)?|Sat(?:urday)?|Sun(?:day)?)\b`,
  YEAR: r`\d\d(?:\d\d)?`,
  HOUR: '(?:2[0-3]|[01]?[0-9])',
  MINUTE: '[0-5][0-9]',
  SECOND: '(?:60|[0-5]?[0-9])(?:[:.,][0-9]+)?',
  TIME: '(?<![0-9])%{HOUR}:%{MINUTE}:%{SECOND}(?![0-9])',
  DATE_US: '%{MONTHNUM}[/-]%{MONTHDAY}[/-]%{YEAR}',
  DATE_EU: '%{MONTHDAY}[./-]%{MONTHNUM}[./-]%{YEAR}',
  ISO8601_TIMEZONE: '(?:Z|[+-]%{HOUR}:?%{MINUTE})',
  ISO8601_SECOND: '%{SECOND}',
  TIMESTAMP_ISO8601:
    '%{YEAR}-%{MONTHNUM}-%{MONTHDAY}[T ]%{HOUR}:?%{MINUTE}(?::?%{SECOND})?%{ISO8601_TIMEZONE}?',
  DATE: '%{DATE_US}|%{DATE_EU}',
  DATESTAMP: '%{DATE}[- ]%{TIME}',
  TZ: '(?:[APMCE][SD]T|UTC|GMT)',
  DATESTAMP_RFC822: '%{DAY} %{MONTH} %{MONTHDAY} %{YEAR} %{TIME} %{TZ}',
  DATESTAMP_RFC2822: '%{DAY}, %{MONTHDAY} %{MONTH} %{YEAR} %{TIME} %{ISO8601_TIMEZONE}',
  DATESTAMP_OTHER: '%{DAY} %{MONTH} %{MONTHDAY} %{TIME} %{TZ} %{YEAR}',
  DATESTAMP_EVENTLOG: '%{YEAR}%{MONTHNUM2}%{MONTHDAY}%{HOUR}%{MINUTE}%{SECOND}',
  HTTPDATE: '%{MONTHDAY}/%{MONTH}/%{YEAR}:%{TIME} %{INT}',

  SYSLOGTIMESTAMP: '%{MONTH} +%{MONTHDAY} %{TIME}',
  // Printable ASCII except [ and ], which open the pid.
  PROG: r`[!-Z\\^-~]+`,
  SYSLOGHOST: '%{IPORHOST}',

  LOGLEVEL:
    '(?:[Aa]lert|ALERT|[Tt]race|TRACE|[Dd]ebug|DEBUG|[Nn]otice|NOTICE|[Ii]nfo(?:rmation)?|INFO(?:RMATION)?|[Ww]arn(?:ing)?|WARN(?:ING)?|[Ee]rr(?:or)?|ERR(?:OR)?|[Cc]rit(?:ical)?|CRIT(?:ICAL)?|[Ff]atal|FATAL|[Ss]evere|SEVERE|[Ee]merg(?:ency)?|EMERG(?:ENCY)?)',
};

export const core: PatternFamily = {
  common,
  legacy: {
    URIHOST: '%{IPORHOST}(?::%{POSINT:port})?',
    SYSLOGPROG: r`%{PROG:program}(?:\[%{POSINT:pid}\])?`,
    SYSLOGFACILITY: r`<%{NONNEGINT:facility}\.%{NONNEGINT:priority}>`,
    SYSLOGBASE: '%{SYSLOGTIMESTAMP:timestamp} (?:%{SYSLOGFACILITY} )?%{SYSLOGHOST:logsource} %{SYSLOGPROG}:',
  },
  ecs: {
    URIHOST: '%{IPORHOST}(?::%{POSINT})?',
    SYSLOGPROG: r`%{PROG:[process][name]}(?:\[%{POSINT:[process][pid]:int}\])?`,
    SYSLOGFACILITY: r`<%{NONNEGINT:[log][syslog][facility][code]:int}\.%{NONNEGINT:[log][syslog][priority]:int}>`,
    SYSLOGBASE:
      '%{SYSLOGTIMESTAMP:timestamp} (?:%{SYSLOGFACILITY} )?%{SYSLOGHOST:[host][hostname]} %{SYSLOGPROG}:',
  },
};
