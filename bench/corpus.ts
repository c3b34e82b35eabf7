// Deterministic benchmark corpora: application-style text lines and gateway-style JSON lines,
// written once per scenario run.
import { createWriteStream } from 'node:fs';

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LEVELS = ['INFO', 'INFO', 'INFO', 'WARN', 'ERROR', 'DEBUG'];
const PATHS = ['/api/alarms', '/api/cameras/17/clip', '/login', '/api/zones/north-3', '/status'];

export const TEXT_PATTERN =
  '^(?<ts>\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3}) (?<host>\\S+) (?<level>[A-Z]+) \\[(?<thread>[^\\]]+)\\] (?<method>[A-Z]+) (?<path>\\S+) status=(?<status>\\d+) took=(?<took>\\d+)ms id=(?<req>\\S+)$';

async function writeLines(
  path: string,
  count: number,
  line: (i: number, rnd: () => number, t: number) => string,
): Promise<number> {
  const rnd = prng(42);
  const out = createWriteStream(path);
  let bytes = 0;
  const start = Date.UTC(2026, 10, 26, 0, 0, 0);
  for (let i = 0; i < count; i++) {
    const text = `${line(i, rnd, start + i * 3)}\n`;
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  return bytes;
}

const pick = <T>(xs: T[], r: number): T => xs[Math.floor(r * xs.length)]!;

export function writeTextCorpus(path: string, count: number): Promise<number> {
  return writeLines(path, count, (i, rnd, t) => {
    const ts = new Date(t).toISOString().replace('T', ' ').slice(0, 23);
    return `${ts} host-${String(1 + Math.floor(rnd() * 20)).padStart(2, '0')} ${pick(LEVELS, rnd())} [worker-${Math.floor(rnd() * 8)}] ${rnd() < 0.7 ? 'GET' : 'POST'} ${pick(PATHS, rnd())} status=${rnd() < 0.95 ? 200 : 503} took=${Math.floor(rnd() * 900)}ms id=r${i.toString(36)}`;
  });
}

export function writeJsonCorpus(path: string, count: number): Promise<number> {
  return writeLines(path, count, (i, rnd, t) =>
    JSON.stringify({
      ts: new Date(t).toISOString(),
      node: rnd() < 0.5 ? 'gw-a' : 'gw-b',
      level: pick(['info', 'info', 'warn', 'error'], rnd()),
      event: pick(['forward', 'heartbeat', 'queue'], rnd()),
      alarm_ref: `sc-0${1 + Math.floor(rnd() * 6)}/${i}`,
      latency_ms: Math.floor(rnd() * 80),
      queue: { depth: Math.floor(rnd() * 50), max: 1000 },
      msg: 'forwarded alarm to alarm-server',
    }),
  );
}

const APPS = ['alarm-server', 'gateway', 'sshd', 'cron', 'video'];
const MSGS = ['alarm raised', 'alarm acknowledged', 'dispatch sent', 'heartbeat ok', 'connection closed'];

/** RFC 5424 lines with one structured-data element, as the demo's alarm server writes them. */
export function writeSyslogCorpus(path: string, count: number): Promise<number> {
  return writeLines(path, count, (i, rnd, t) => {
    const pri = 8 * (16 + Math.floor(rnd() * 4)) + Math.floor(rnd() * 8);
    const ts = new Date(t).toISOString();
    return `<${pri}>1 ${ts} host-${String(1 + Math.floor(rnd() * 20)).padStart(2, '0')} ${pick(APPS, rnd())} ${1000 + Math.floor(rnd() * 9000)} EV${Math.floor(rnd() * 90)} [alarm@32473 id="A-${i}" zone="Z${Math.floor(rnd() * 40)}"] ${pick(MSGS, rnd())} for A-${i}`;
  });
}

const AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
  'curl/8.5.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Apache/nginx combined access log lines (grok %{COMBINEDAPACHELOG}). */
export function writeAccessCorpus(path: string, count: number): Promise<number> {
  return writeLines(path, count, (i, rnd, t) => {
    const d = new Date(t);
    const p2 = (n: number) => String(n).padStart(2, '0');
    const ts = `${p2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000`;
    const ip = `10.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}.${1 + Math.floor(rnd() * 254)}`;
    const status = rnd() < 0.9 ? 200 : 404;
    return `${ip} - - [${ts}] "${rnd() < 0.7 ? 'GET' : 'POST'} ${pick(PATHS, rnd())}?r=${i} HTTP/1.1" ${status} ${Math.floor(rnd() * 50_000)} "-" "${pick(AGENTS, rnd())}"`;
  });
}
