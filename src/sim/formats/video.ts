// Video-management log lines in logfmt, Go style: `ts` in RFC3339Nano (fraction trimmed), `msg`
// always quoted, then key=value pairs whose values never contain spaces.
import { isoUtcTrimmed } from './time.ts';

export type VideoLevel = 'debug' | 'info' | 'warn' | 'error';

export function videoLine(
  us: number,
  level: VideoLevel,
  host: string,
  msg: string,
  fields: Record<string, string | number> = {},
): string {
  const kv = Object.entries(fields)
    .map(([k, v]) => ` ${k}=${String(v).replace(/\s/g, '_')}`)
    .join('');
  return `ts=${isoUtcTrimmed(us)} level=${level} host=${host} msg="${msg.replaceAll('"', "'")}"${kv}`;
}
