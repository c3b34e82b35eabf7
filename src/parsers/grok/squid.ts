// Squid 3+ native access.log: `time elapsed client code/status bytes method URL user
// hierarchy/peer type`. Legacy naming keeps `-` for user and content type, as Logstash does.
import type { PatternFamily } from './library.ts';

const r = String.raw;

export const squid: PatternFamily = {
  common: {},
  legacy: {
    SQUID3_STATUS: '%{NONNEGINT:status_code}',
    SQUID3: r`%{NUMBER:timestamp}\s+%{NUMBER:duration}\s%{IP:client_address}\s%{WORD:cache_result}/%{SQUID3_STATUS}\s%{NUMBER:bytes}\s%{WORD:request_method}\s%{NOTSPACE:url}\s(?:%{NOTSPACE:user}|-)\s%{WORD:hierarchy_code}/(?:%{IPORHOST:server}|-)\s%{NOTSPACE:content_type}`,
  },
  ecs: {
    // Status 0 / 000 (no reply) is not captured.
    SQUID3_STATUS: r`(?:0{1,3}\b|%{POSINT:[http][response][status_code]:int})`,
    SQUID3: r`%{NUMBER:timestamp}\s+%{INT:[squid][request][duration]:int}\s%{IP:[source][ip]}\s%{WORD:[event][action]}/%{SQUID3_STATUS}\s%{INT:[http][response][bytes]:int}\s%{WORD:[http][request][method]}\s%{NOTSPACE:[url][original]}\s(?:-|%{NOTSPACE:[user][name]})\s%{WORD:[squid][hierarchy_code]}/(?:-|%{IPORHOST:[destination][address]})\s(?:-|%{NOTSPACE:[http][response][mime_type]})`,
  },
};
