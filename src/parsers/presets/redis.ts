// Redis server log (Redis 3 and later): `23557:M 26 Nov 2026 16:05:50.765 * Ready to accept
// connections`: pid, role (M master, S replica, C forked child, X sentinel), local time with
// milliseconds and no zone, level mark (. debug, - verbose, * notice, # warning).
import { type Preset, ZONE } from './preset.ts';

export const redis: Preset = {
  description: 'Redis server log (logfile), Redis 3 and later',
  timezone: 'required',
  parsers: [
    {
      type: 'regex',
      pattern:
        '^(?<pid>\\d+):(?<role>[XCSM]) (?<time>\\d{1,2} [A-Za-z]{3} \\d{4} \\d{2}:\\d{2}:\\d{2}\\.\\d{3}) (?<mark>[.*#-]) (?<message>.*)$',
      types: { pid: 'int' },
    },
  ],
  map: {
    ts: { from: 'time', format: '%d %b %Y %H:%M:%S.%f', timezone: ZONE },
    type: {
      from: 'role',
      values: { M: 'redis.master', S: 'redis.replica', C: 'redis.child', X: 'redis.sentinel' },
    },
    severity: { from: 'mark', values: { '.': 'debug', '-': 'info', '*': 'notice', '#': 'warning' } },
    keys: { pid: '{pid}' },
    attrs: { exclude: ['time', 'mark'] },
  },
};
