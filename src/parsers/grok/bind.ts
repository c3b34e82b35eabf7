// BIND 9 query log lines (`queries: info: client @0x... 10.0.0.5#53211 (example.com): query:
// example.com IN A +E(0)K (10.0.0.1)`), with or without the client object address of 9.11+.
// Legacy naming captures the queried name twice into `query`, which makes it an array, as in
// Logstash; ECS naming separates the name, type and flags.
import type { PatternFamily } from './library.ts';

const r = String.raw;

export const bind: PatternFamily = {
  common: {
    BIND9_TIMESTAMP: '%{MONTHDAY}[-]%{MONTH}[-]%{YEAR} %{TIME}',
    BIND9_DNSTYPE: r`(?:AAAA|A|CAA|CDNSKEY|CDS|CERT|CNAME|CSYNC|DLV|DNAME|DNSKEY|DS|HINFO|HTTPS|LOC|MX|NAPTR|NSEC3|NSEC|NS|OPENPGPKEY|PTR|RRSIG|RP|SIG|SMIMEA|SOA|SRV|SVCB|TSIG|TXT|URI|ANY|AXFR|IXFR|TYPE[0-9]+)\b`,
    BIND9_CATEGORY: '(?:queries)',
    BIND9: '%{BIND9_QUERYLOG}',
  },
  legacy: {
    BIND9_QUERYLOGBASE: r`client(?: @0x[0-9A-Fa-f]+)? %{IP:clientip}#%{POSINT:clientport:int} \(%{NOTSPACE:query}\): query: %{NOTSPACE:query} IN %{DATA:querytype} \(%{IP:dns}\)`,
    BIND9_QUERYLOG:
      '%{BIND9_TIMESTAMP:timestamp} %{BIND9_CATEGORY}: %{LOGLEVEL:loglevel}: %{BIND9_QUERYLOGBASE}',
  },
  ecs: {
    BIND9_QUERYLOGBASE: r`client(?: @0x[0-9A-Fa-f]+)? %{IP:[client][ip]}#%{POSINT:[client][port]:int} \(%{NOTSPACE:[bind][log][question][name]}\): query: %{NOTSPACE:[dns][question][name]} (?<[dns][question][class]>IN|CH|HS) %{BIND9_DNSTYPE:[dns][question][type]}(?: %{DATA:[bind][log][question][flags]})? \(%{IP:[server][ip]}\)`,
    BIND9_QUERYLOG:
      '%{BIND9_TIMESTAMP:timestamp} %{BIND9_CATEGORY:[bind][log][category]}: %{LOGLEVEL:[log][level]}: %{BIND9_QUERYLOGBASE}',
  },
};
