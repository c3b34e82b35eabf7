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
