// HAProxy `option httplog` and `option tcplog` lines as syslog writes them to a file. Captured
// request/response headers land in one field each; to split them, redefine
// HAPROXYCAPTUREDREQUESTHEADERS / HAPROXYCAPTUREDRESPONSEHEADERS under pattern_definitions.
// In ECS naming `-1` timers and `-` cookies are not captured and numbers become ints.
import type { PatternFamily } from './library.ts';

const r = String.raw;

const SYSLOG_PREFIX = {
  legacy:
    '(?:%{SYSLOGTIMESTAMP:syslog_timestamp}|%{TIMESTAMP_ISO8601:timestamp8601}) %{IPORHOST:syslog_server} %{SYSLOGPROG}: ',
  ecs: '(?:%{SYSLOGTIMESTAMP:timestamp}|%{TIMESTAMP_ISO8601:timestamp}) %{IPORHOST:[host][hostname]} %{SYSLOGPROG}: ',
};

/** A timer that is -1 when the step did not happen: not captured in ECS naming. */
const timer = (field: string) => `(?:-1|%{INT:${field}:int})`;

const CONNECTIONS = {
  legacy:
    '%{INT:actconn}/%{INT:feconn}/%{INT:beconn}/%{INT:srvconn}/%{NOTSPACE:retries} %{INT:srv_queue}/%{INT:backend_queue}',
  ecs: '%{INT:[haproxy][connections][active]:int}/%{INT:[haproxy][connections][frontend]:int}/%{INT:[haproxy][connections][backend]:int}/%{INT:[haproxy][connections][server]:int}/%{INT:[haproxy][connections][retries]:int} %{INT:[haproxy][server_queue]:int}/%{INT:[haproxy][backend_queue]:int}',
};

const CLIENT_FRONTEND = {
  legacy: r`%{IP:client_ip}:%{INT:client_port} \[%{HAPROXYDATE:accept_date}\] %{NOTSPACE:frontend_name} %{NOTSPACE:backend_name}/%{NOTSPACE:server_name}`,
  ecs: r`%{IP:[source][address]}:%{INT:[source][port]:int} \[%{HAPROXYDATE:[haproxy][request_date]}\] %{NOTSPACE:[haproxy][frontend_name]} %{NOTSPACE:[haproxy][backend_name]}/(?:<NOSRV>|%{NOTSPACE:[haproxy][server_name]})`,
};

export const haproxy: PatternFamily = {
  common: {},
  legacy: {
    HAPROXYTIME: '(?<![0-9])%{HOUR:haproxy_hour}:%{MINUTE:haproxy_minute}:%{SECOND:haproxy_second}(?![0-9])',
    HAPROXYDATE: r`%{MONTHDAY:haproxy_monthday}/%{MONTH:haproxy_month}/%{YEAR:haproxy_year}:%{HAPROXYTIME:haproxy_time}\.%{INT:haproxy_milliseconds}`,
    HAPROXYCAPTUREDREQUESTHEADERS: '%{DATA:captured_request_headers}',
    HAPROXYCAPTUREDRESPONSEHEADERS: '%{DATA:captured_response_headers}',
    HAPROXYURI:
      '(?:%{URIPROTO:http_proto}://)?(?:%{USER:http_user}(?::[^@]*)?@)?(?:%{URIHOST:http_host})?(?:%{URIPATHPARAM:http_request})?',
    HAPROXYHTTPREQUESTLINE: '(?:<BADREQ>|%{WORD:http_verb} %{HAPROXYURI}(?: HTTP/%{NUMBER:http_version})?)',
    HAPROXYHTTPBASE: `${CLIENT_FRONTEND.legacy} %{INT:time_request}/%{INT:time_queue}/%{INT:time_backend_connect}/%{INT:time_backend_response}/%{NOTSPACE:time_duration} %{INT:http_status_code} %{NOTSPACE:bytes_read} %{DATA:captured_request_cookie} %{DATA:captured_response_cookie} %{NOTSPACE:termination_state} ${CONNECTIONS.legacy}${r`(?: \{%{HAPROXYCAPTUREDREQUESTHEADERS}\})?(?: \{%{HAPROXYCAPTUREDRESPONSEHEADERS}\})?(?: "%{HAPROXYHTTPREQUESTLINE}"?)?`}`,
    HAPROXYHTTP: `${SYSLOG_PREFIX.legacy}%{HAPROXYHTTPBASE}`,
    HAPROXYTCP: `${SYSLOG_PREFIX.legacy}${CLIENT_FRONTEND.legacy} %{INT:time_queue}/%{INT:time_backend_connect}/%{NOTSPACE:time_duration} %{NOTSPACE:bytes_read} %{NOTSPACE:termination_state} ${CONNECTIONS.legacy}`,
  },
  ecs: {
    HAPROXYTIME: '(?<![0-9])%{HOUR}:%{MINUTE}:%{SECOND}(?![0-9])',
    HAPROXYDATE: r`%{MONTHDAY}/%{MONTH}/%{YEAR}:%{HAPROXYTIME}\.%{INT}`,
    HAPROXYCAPTUREDREQUESTHEADERS: '%{DATA:[haproxy][http][request][captured_headers]}',
    HAPROXYCAPTUREDRESPONSEHEADERS: '%{DATA:[haproxy][http][response][captured_headers]}',
    HAPROXYURI: r`(?:%{URIPROTO:[url][scheme]}://)?(?:%{USER:[url][username]}(?::[^@]*)?@)?(?:%{IPORHOST:[url][domain]}(?::%{POSINT:[url][port]:int})?)?(?:%{URIPATH:[url][path]}(?:\?%{URIQUERY:[url][query]})?)?`,
    HAPROXYHTTPREQUESTLINE:
      '(?:<BADREQ>|%{WORD:[http][request][method]} %{HAPROXYURI:[url][original]}(?: HTTP/%{NUMBER:[http][version]})?)',
    HAPROXYHTTPBASE: `${CLIENT_FRONTEND.ecs} ${timer('[haproxy][http][request][time_wait_ms]')}/${timer('[haproxy][total_waiting_time_ms]')}/${timer('[haproxy][connection_wait_time_ms]')}/${timer('[haproxy][http][request][time_wait_without_data_ms]')}/%{NOTSPACE:[haproxy][total_time_ms]} %{INT:[http][response][status_code]:int} %{INT:[source][bytes]:int} (?:-|%{DATA:[haproxy][http][request][captured_cookie]}) (?:-|%{DATA:[haproxy][http][response][captured_cookie]}) %{NOTSPACE:[haproxy][termination_state]} ${CONNECTIONS.ecs}${r`(?: \{%{HAPROXYCAPTUREDREQUESTHEADERS}\}(?: \{%{HAPROXYCAPTUREDRESPONSEHEADERS}\})?)?(?: "%{HAPROXYHTTPREQUESTLINE}"?)?`}`,
    HAPROXYHTTP: `${SYSLOG_PREFIX.ecs}%{HAPROXYHTTPBASE}`,
    HAPROXYTCP: `${SYSLOG_PREFIX.ecs}${CLIENT_FRONTEND.ecs} ${timer('[haproxy][total_waiting_time_ms]')}/${timer('[haproxy][connection_wait_time_ms]')}/%{NOTSPACE:[haproxy][total_time_ms]} %{INT:[source][bytes]:int} %{NOTSPACE:[haproxy][termination_state]} ${CONNECTIONS.ecs}`,
  },
};
