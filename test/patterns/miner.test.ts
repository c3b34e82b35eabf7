// The miner's masking, determinism and bounded memory, and `mortar patterns` end to end.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { maskMessage } from '../../src/process/patterns/mask.ts';
import { mineLines } from '../../src/process/patterns/mine-lines.ts';
import { OVERFLOW_ID, PatternMiner } from '../../src/process/patterns/miner.ts';
import { FIXTURES } from './labelled-sets.ts';

const MASKED: [string, string][] = [
  ['took 35ms, read 12.5MB', 'took <*>, read <*>'],
  ['from 10.1.2.3:8080 and 192.168.0.1', 'from <*> and <*>'],
  ['peer fe80::1ff:fe23:4567:890a left', 'peer <*> left'],
  ['GET https://example.org/a?b=c done', 'GET <*> done'],
  ['open /var/log/app.log failed', 'open <*> failed'],
  ['id 123e4567-e89b-12d3-a456-426614174000 ok', 'id <*> ok'],
  ['at 2026-11-26T12:00:00.123Z and 2026-11-26 12:00:00', 'at <*> and <*>'],
  ['at Nov 26 12:00:00 and 26/Nov/2026:12:00:00 +0000', 'at <*> and <*>'],
  ['relation "my table" missing', 'relation "<*>" missing'],
  ["value 'a b' bad", "value '<*>' bad"],
  ['mail bob@example.org now', 'mail <*> now'],
  ['user=alice pid=42 msg="x y"', 'user=<*> pid=<*> msg="<*>"'],
  ['hash 0x1f and deadbeef01', 'hash <*> and <*>'],
  ['node gateway-2 alarm A-000123 zone south-2', 'node <*> alarm <*> zone <*>'],
  ['count 42 of -7, ratio 0.5', 'count <*> of <*>, ratio <*>'],
  ['ssh2 HTTP SHA256 stay', 'ssh2 HTTP SHA256 stay'],
];

describe('masking', () => {
  it.each(MASKED)('%s', (input, expected) => {
    expect(maskMessage(input)).toBe(expected);
  });
});

describe('miner', () => {
  const lines = [
    'Accepted password for alice from 10.0.0.1 port 5100 ssh2',
    'Accepted password for bob from 10.0.0.2 port 5101 ssh2',
    'Connection closed by authenticating user alice 10.0.0.1 port 5100 [preauth]',
    'Connection closed by authenticating user bob 10.0.0.2 port 5101 [preauth]',
    'Connection closed by authenticating user carol 10.0.0.2 port 5101 [preauth]',
    'Connection closed by invalid user admin 10.0.0.3 port 5102 [preauth]',
    'Connection closed by invalid user oracle 10.0.0.4 port 5103 [preauth]',
    'Connection closed by authenticating user dave 10.0.0.5 port 5104 [preauth]',
  ];

  it('generalises values and keeps statements apart', () => {
    const { results } = mineLines(lines);
    expect(results.map((r) => r.template)).toEqual([
      'Accepted password for <*> from <*> port <*> ssh2',
      'Accepted password for <*> from <*> port <*> ssh2',
      'Connection closed by authenticating user <*> <*> port <*> [preauth]',
      'Connection closed by authenticating user <*> <*> port <*> [preauth]',
      'Connection closed by authenticating user <*> <*> port <*> [preauth]',
      'Connection closed by invalid user <*> <*> port <*> [preauth]',
      'Connection closed by invalid user <*> <*> port <*> [preauth]',
      'Connection closed by authenticating user <*> <*> port <*> [preauth]',
    ]);
    // a word that held while the user name varied is part of the statement
    expect(results[2]!.id).toBe(results[7]!.id);
    expect(results[2]!.id).not.toBe(results[5]!.id);
    expect(results[5]!.id).toBe(results[6]!.id);
  });

  it('keeps two statements apart that differ in a fixed word and a name from the start', () => {
    const { results } = mineLines([
      'Connection closed by authenticating user root 10.0.0.1 port 5100 [preauth]',
      'Connection closed by invalid user nagios0 10.0.0.2 port 5101 [preauth]',
      'Connection closed by invalid user erin 10.0.0.3 port 5102 [preauth]',
      'Connection closed by authenticating user alice 10.0.0.4 port 5103 [preauth]',
    ]);
    expect(new Set(results.map((r) => r.template))).toEqual(
      new Set([
        'Connection closed by authenticating user <*> <*> port <*> [preauth]',
        'Connection closed by invalid user <*> <*> port <*> [preauth]',
      ]),
    );
  });

  it('gives the same ids for the same input order, and keeps an id when its template generalises', () => {
    const a = mineLines(lines).results;
    const b = mineLines([...lines]).results;
    expect(b).toEqual(a);
    const m = new PatternMiner();
    const first = m.add(lines[0]!);
    expect(first.template).toBe('Accepted password for alice from <*> port <*> ssh2');
    expect(m.add(lines[1]!).id).toBe(first.id);
    expect(m.template(first.id)).toBe('Accepted password for <*> from <*> port <*> ssh2');
  });

  it('caps the templates and counts what overflows', () => {
    const m = new PatternMiner({ maxTemplates: 3 });
    const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'];
    const ids = words.map((w) => m.add(`${w} happened`).id);
    expect(m.size).toBe(3);
    expect(m.overflow).toBe(3);
    expect(ids.slice(3)).toEqual([OVERFLOW_ID, OVERFLOW_ID, OVERFLOW_ID]);
    // known templates still match after the cap
    expect(m.add('alpha happened').id).toBe(ids[0]);
  });

  it('takes odd input without failing: empty, control characters, a megabyte, regex-hostile text', () => {
    const m = new PatternMiner();
    for (const input of [
      '',
      '   ',
      '\u0000\u0007\t',
      'x'.repeat(1 << 20),
      'a-'.repeat(3000),
      '"'.repeat(5000),
      '-1'.repeat(3000),
    ]) {
      expect(typeof m.add(input).id).toBe('string');
    }
    expect(m.add('').id).toBe(m.add('   ').id);
  });

  it('bounds the tokens of one message', () => {
    const m = new PatternMiner({ maxTokens: 10 });
    const long = Array.from({ length: 500 }, (_, i) => `w${i}x`).join(' ');
    expect(m.add(long).template.split(' ').length).toBeLessThanOrEqual(10);
  });
});

describe('mortar patterns', () => {
  const bin = fileURLToPath(new URL('../../bin/mortar.js', import.meta.url));

  it('prints one JSON object per input line, in order, from stdin or files', () => {
    const input = `${lines().join('\n')}\n`;
    const viaStdin = spawnSync(process.execPath, [bin, 'patterns', '--json'], { input, encoding: 'utf8' });
    expect(viaStdin.status, viaStdin.stderr).toBe(0);
    const out = viaStdin.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; template: string });
    expect(out).toEqual(mineLines(lines()).results);
    const viaFile = spawnSync(process.execPath, [bin, 'patterns', '--json', `${FIXTURES}sshd.log`], {
      encoding: 'utf8',
    });
    expect(viaFile.status, viaFile.stderr).toBe(0);
    const fileLines = viaFile.stdout.trim().split('\n');
    const { results } = mineLines(
      spawnSync('cat', [`${FIXTURES}sshd.log`], { encoding: 'utf8' })
        .stdout.split(/\r?\n/)
        .slice(0, -1),
    );
    expect(fileLines.map((l) => JSON.parse(l))).toEqual(results);
  }, 60_000);

  it('summarises without --json and says what to do with a missing file', () => {
    const ok = spawnSync(process.execPath, [bin, 'patterns'], {
      input: `${lines().join('\n')}\n`,
      encoding: 'utf8',
    });
    expect(ok.stdout).toMatch(/^4 messages, 2 templates, 0 overflow\n/);
    expect(ok.stdout).toContain('Disk <*> is <*> full');
    const missing = spawnSync(process.execPath, [bin, 'patterns', '/nonexistent/x.log'], {
      encoding: 'utf8',
    });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/cannot read \/nonexistent\/x.log/);
  }, 60_000);

  function lines(): string[] {
    return ['Disk /dev/sda1 is 91% full', 'Disk /dev/sdb2 is 97% full', 'Backup started', 'Backup started'];
  }
});
