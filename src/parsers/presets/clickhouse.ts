// ClickHouse server log (clickhouse-server.log, 18.x to current): `2026.11.26 16:06:08.165531
// [ 1 ] {query_id} <Information> Logger: message`, local time (the server's timezone) with
// microseconds and no zone; exceptions continue on the following lines (stack traces).
import { type Preset, ZONE } from './preset.ts';

export const clickhouse: Preset = {
  description: 'ClickHouse server log (text), stack traces joined to their message',
  timezone: 'required',
  framing: {
    type: 'multiline',
    start: '^\\d{4}\\.\\d{2}\\.\\d{2} \\d{2}:\\d{2}:\\d{2}',
    timeout: '1s',
    max_lines: 500,
  },
  parsers: [
    {
      type: 'regex',
      pattern:
        '^(?<time>\\d{4}\\.\\d{2}\\.\\d{2} \\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?) \\[ *(?<thread_id>\\d+) *\\] \\{(?<query_id>[^}]*)\\} <(?<level>[A-Za-z]+)> (?:(?<logger>(?:[^:\\s]|::)*(?: \\([^)]*\\))?): )?(?<message>[\\s\\S]*)$',
      types: { thread_id: 'int' },
    },
  ],
  map: {
    ts: { from: 'time', format: '%Y.%m.%d %H:%M:%S.%f', timezone: ZONE },
    type: { from: 'logger', pattern: '^\\S+', default: 'clickhouse.log' },
    severity: {
      from: 'level',
      values: {
        Test: 'debug',
        Trace: 'debug',
        Debug: 'debug',
        Information: 'info',
        Notice: 'notice',
        Warning: 'warning',
        Error: 'error',
        Critical: 'critical',
        Fatal: 'critical',
      },
      default: 'info',
    },
    keys: { query_id: '{query_id}' },
    attrs: { exclude: ['time', 'level'] },
  },
};
