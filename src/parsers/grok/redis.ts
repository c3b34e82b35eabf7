// Redis: the server log (the classic `[pid] dd Mon hh:mm:ss * ` prefix and the 3.x+ form
// `pid:role dd Mon yyyy hh:mm:ss.mmm * `), and MONITOR output lines.
import type { PatternFamily } from './library.ts';

const r = String.raw;

export const redis: PatternFamily = {
  common: {
    REDISTIMESTAMP: '%{MONTHDAY} %{MONTH}(?: %{YEAR})? %{TIME}',
  },
  legacy: {
    REDISLOG: r`(?:\[%{POSINT:pid}\]|%{POSINT:pid}:[XCSM]) %{REDISTIMESTAMP:timestamp} [*#.-] ?`,
    REDISMONLOG: r`%{NUMBER:timestamp} \[%{INT:database} %{IP:client}:%{NUMBER:port:int}\] "%{WORD:command}"\s?%{GREEDYDATA:params}`,
  },
  ecs: {
    REDISLOG: r`(?:\[%{POSINT:[process][pid]:int}\]|%{POSINT:[process][pid]:int}:[XCSM]) %{REDISTIMESTAMP:timestamp} [*#.-]`,
    REDISMONLOG: r`%{NUMBER:timestamp} \[%{INT:[redis][database][id]} %{IP:[client][ip]}:%{POSINT:[client][port]:int}\] "%{WORD:[redis][command][name]}"\s?%{GREEDYDATA:[redis][command][args]}`,
  },
};
