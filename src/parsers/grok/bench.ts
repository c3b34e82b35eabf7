// Throughput of the grok parser on generated lines (a script, not a test):
//   npx tsx src/parsers/grok/bench.ts [lines]
// For COMBINEDAPACHELOG and SYSLOGLINE, in ECS and legacy naming, it prints lines/s beside the
// `regex` parser running a hand-written expression for the same format on the same lines.
import { parserSpec } from '../../config/schema.ts';
import { buildParser } from '../build.ts';
import type { ParseContext } from '../parser.ts';

const N = Number(process.argv[2] ?? 200_000);
const CTX: ParseContext = { fileId: 'bench', offset: 1, receivedAtUs: 0 };

let seed = 42;
const rnd = (n: number) => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};
const pick = <T>(xs: T[]): T => xs[rnd(xs.length)]!;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');
const ip = () => `${10 + rnd(200)}.${rnd(256)}.${rnd(256)}.${1 + rnd(254)}`;
const time = () => `${pad(rnd(24))}:${pad(rnd(60))}:${pad(rnd(60))}`;

function apacheLine(): string {
  const path = `/${pick(['api', 'static', 'img', 'shop'])}/${pick(['item', 'list', 'a.png', 'b.css'])}${rnd(3) === 0 ? `?id=${rnd(9999)}&q=x` : ''}`;
  const user = rnd(5) === 0 ? pick(['frank', 'alice', 'bob@example.com']) : '-';
  const ref = rnd(2) ? `"https://www.example.com/${pick(['', 'start', 'cart'])}"` : '"-"';
  const agent = pick([
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
    'curl/8.5.0',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15',
  ]);
  return `${ip()} - ${user} [${pad(1 + rnd(28))}/${pick(MONTHS)}/2024:${time()} +0100] "${pick(['GET', 'POST', 'HEAD'])} ${path} HTTP/1.1" ${pick([200, 200, 304, 404, 500])} ${rnd(50000)} ${ref} "${agent}"`;
}

function syslogLine(): string {
  const prog = pick(['sshd', 'CRON', 'kernel', 'systemd', 'postfix/smtpd']);
  const pid = prog === 'kernel' ? '' : `[${1 + rnd(60000)}]`;
  const msg = pick([
    `Accepted publickey for deploy from ${ip()} port ${1024 + rnd(60000)} ssh2`,
    '(root) CMD (run-parts /etc/cron.hourly)',
    'Started Session 42 of user deploy.',
    `connect from unknown[${ip()}]`,
  ]);
  return `${pick(MONTHS)} ${String(1 + rnd(28)).padStart(2, ' ')} ${time()} host${rnd(20)} ${prog}${pid}: ${msg}`;
}

const REFERENCE: Record<string, string> = {
  COMBINEDAPACHELOG:
    '^(?<clientip>\\S+) (?<ident>\\S+) (?<auth>\\S+) \\[(?<timestamp>[^\\]]+)\\] "(?:(?<verb>\\w+) (?<request>\\S+)(?: HTTP/(?<httpversion>[\\d.]+))?|(?<rawrequest>[^"]*))" (?<response>\\d+|-) (?<bytes>\\d+|-) (?<referrer>"[^"]*") (?<agent>"[^"]*")',
  SYSLOGLINE:
    '^(?<timestamp>\\w{3} +\\d{1,2} \\d\\d:\\d\\d:\\d\\d) (?<logsource>\\S+) (?<program>[^\\s\\[:]+)(?:\\[(?<pid>\\d+)\\])?: (?<message>.*)',
};

function measure(config: object, lines: string[]): number {
  const parse = buildParser(parserSpec.parse(config));
  for (let i = 0; i < 20_000; i++) parse({}, lines[i % lines.length]!, CTX); // warm up
  const start = performance.now();
  let failed = 0;
  for (const line of lines) if (parse({}, line, CTX) !== undefined) failed++;
  const s = (performance.now() - start) / 1000;
  if (failed > 0) throw new Error(`${failed} lines did not parse with ${JSON.stringify(config)}`);
  return lines.length / s;
}

const fmt = (n: number) => `${Math.round(n).toLocaleString('en-US').padStart(11)} lines/s`;
for (const [name, make] of [
  ['COMBINEDAPACHELOG', apacheLine],
  ['SYSLOGLINE', syslogLine],
] as const) {
  const lines = Array.from({ length: N }, make);
  const ecs = measure({ type: 'grok', patterns: [`%{${name}}`] }, lines);
  const legacy = measure({ type: 'grok', patterns: [`%{${name}}`], ecs_compatibility: 'disabled' }, lines);
  const regex = measure({ type: 'regex', pattern: REFERENCE[name] }, lines);
  console.log(`${name.padEnd(18)} grok ecs ${fmt(ecs)}   grok legacy ${fmt(legacy)}   regex ${fmt(regex)}`);
}
