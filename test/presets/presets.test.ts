// Every preset over logs written by the real program (Debian packages; scripts/presets/
// make-fixtures.sh): no dead letters, times equal to what the program wrote (in its zone), and
// the fields a user expects. Expected values come from the raw lines, read here independently.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MortarEvent } from '../../src/events/event.ts';
import { FIXTURES, month, type PresetRun, runFixtures, utcUs } from './helpers.ts';

type Case = {
  /** Expected event time from the raw text of the record. */
  time: (raw: string) => number;
  check: (runs: PresetRun[]) => void;
};

const n = Number;
const all = (runs: PresetRun[]) => runs.flatMap((r) => r.events);
const rawLines = (name: string, file: string) =>
  readFileSync(join(FIXTURES, name, file), 'utf8')
    .split('\n')
    .filter(Boolean);
const every = (events: MortarEvent[], f: (e: MortarEvent) => unknown) => {
  for (const e of events) expect(f(e), e.raw).toBeTruthy();
};

const CLF = (raw: string) => {
  const m = /\[(\d\d)\/(\w{3})\/(\d{4}):(\d\d):(\d\d):(\d\d) ([+-]\d{4})\]/.exec(raw)!;
  return utcUs(n(m[3]), month(m[2]!), n(m[1]), n(m[4]), n(m[5]), n(m[6]), '', m[7]);
};

/** `[26/Nov/2026:16:05:50.753]`, HAProxy's accept date, local time. */
const ACCEPT = (raw: string) => {
  const m = /\[(\d\d)\/(\w{3})\/(\d{4}):(\d\d):(\d\d):(\d\d)\.(\d+)\]/.exec(raw)!;
  return utcUs(n(m[3]), month(m[2]!), n(m[1]), n(m[4]), n(m[5]), n(m[6]), m[7]);
};

/** `2026-11-26 16:06:07.378 CET`: PostgreSQL, log_timezone Europe/Berlin (CET in November). */
const PG = (raw: string) => {
  const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d+) (CET|CEST)/.exec(raw)!;
  const us = utcUs(n(m[1]), n(m[2]), n(m[3]), n(m[4]), n(m[5]), n(m[6]), m[7]);
  expect(
    utcUs(n(m[1]), n(m[2]), n(m[3]), n(m[4]), n(m[5]), n(m[6]), m[7], m[8] === 'CET' ? '+01:00' : '+02:00'),
  ).toBe(us);
  return us;
};

/** Syslog header: RFC 3339 with its offset, or traditional `Nov 26 16:05:50` (year 2026, Berlin). */
const SYSLOG = (raw: string) => {
  const iso = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)/.exec(raw);
  if (iso) return utcUs(n(iso[1]), n(iso[2]), n(iso[3]), n(iso[4]), n(iso[5]), n(iso[6]), iso[7], iso[8]);
  const m = /^(\w{3}) +(\d+) (\d\d):(\d\d):(\d\d)/.exec(raw)!;
  return utcUs(2026, month(m[1]!), n(m[2]), n(m[3]), n(m[4]), n(m[5]));
};

const CASES: Record<string, Case> = {
  nginx_access: {
    time: CLF,
    check: (runs) => {
      const events = all(runs);
      every(events, (e) => e.keys.client_ip === '127.0.0.1' && typeof e.attrs.status === 'number');
      const fourxx = rawLines('nginx_access', 'access.log').filter((l) => /" 4\d\d /.test(l)).length;
      expect(fourxx).toBeGreaterThan(5);
      expect(events.filter((e) => e.severity === 'warning')).toHaveLength(fourxx);
      // Escaped quotes (\x22) inside the user agent, bad requests that are no request line.
      expect(events.some((e) => String(e.attrs.user_agent).includes('\\x22quoted\\x22'))).toBe(true);
      const garbage = events.filter((e) => /"(GARBAGE|\\x16[^"]*)"/.test(e.raw));
      expect(garbage.length).toBe(4);
      every(garbage, (e) => e.attrs.status === 400 && e.attrs.method === undefined && e.attrs.request);
      expect(events.find((e) => e.attrs.path === '/missing/page')).toMatchObject({
        type: 'http.request',
        attrs: { method: 'GET', status: 404, protocol: 'HTTP/1.1' },
      });
    },
  },
  nginx_error: {
    time: (raw) => {
      const m = /^(\d{4})\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d)/.exec(raw)!;
      return utcUs(n(m[1]), n(m[2]), n(m[3]), n(m[4]), n(m[5]), n(m[6]));
    },
    check: (runs) => {
      const events = all(runs);
      every(
        events,
        (e) => e.keys.pid && e.severity === /\[(\w+)\]/.exec(e.raw)![1]!.replace('warn', 'warning'),
      );
      const withClient = events.filter((e) => e.raw.includes(', client: '));
      expect(withClient.length).toBeGreaterThan(10);
      every(withClient, (e) => e.keys.client_ip === '127.0.0.1' && !e.message.includes(', client: '));
      expect(events.find((e) => e.message.startsWith('connect() failed'))).toMatchObject({
        severity: 'error',
        attrs: { request: 'GET /boom HTTP/1.1' },
      });
    },
  },
  apache_access: {
    time: CLF,
    check: (runs) => {
      const events = all(runs);
      every(events, (e) => e.keys.client_ip === '127.0.0.1' && typeof e.attrs.status === 'number');
      // Apache escapes quotes as \" inside values.
      expect(events.some((e) => String(e.attrs.user_agent).includes('\\"quoted\\"'))).toBe(true);
      expect(events.filter((e) => e.attrs.status === 500).every((e) => e.severity === 'error')).toBe(true);
      expect(events.some((e) => e.attrs.status === 500)).toBe(true);
    },
  },
  apache_error: {
    time: (raw) => {
      const m = /^\[\w{3} (\w{3}) +(\d+) (\d\d):(\d\d):(\d\d)\.(\d+) (\d{4})\]/.exec(raw)!;
      return utcUs(n(m[7]), month(m[1]!), n(m[2]), n(m[3]), n(m[4]), n(m[5]), m[6]);
    },
    check: (runs) => {
      const events = all(runs);
      every(events, (e) => e.keys.pid);
      const alert = events.filter((e) => e.raw.includes('[core:alert]'));
      expect(alert.length).toBeGreaterThan(0);
      every(
        alert,
        (e) => e.severity === 'alert' && e.keys.client_ip === '127.0.0.1' && e.attrs.module === 'core',
      );
      expect(events.find((e) => e.attrs.code === 'AH00128')).toMatchObject({ severity: 'info' });
    },
  },
  postgresql: {
    time: PG,
    check: (runs) => {
      const events = all(runs);
      const starts = rawLines('postgresql', 'postgresql.log').filter((l) => /^\d{4}-/.test(l)).length;
      expect(events).toHaveLength(starts);
      every(events, (e) => e.keys.pid === /\[(\d+)\]/.exec(e.raw)![1]);
      every(
        events.filter((e) => e.raw.includes(' postgres@shop ')),
        (e) => e.keys.user === 'postgres' && e.keys.database === 'shop',
      );
      expect(events.filter((e) => e.raw.includes('[unknown]@')).every((e) => !e.keys.user)).toBe(true);
      const stmt = events.find((e) => e.message.includes('where nosuchcolumn'))!;
      expect(stmt).toMatchObject({ type: 'postgresql.statement' });
      expect(stmt.message.split('\n')).toHaveLength(4);
      expect(events.filter((e) => e.type === 'postgresql.error').every((e) => e.severity === 'error')).toBe(
        true,
      );
      expect(events.find((e) => e.message.includes('"nosuchdb" does not exist'))).toMatchObject({
        severity: 'critical',
        keys: { database: 'nosuchdb' },
      });
    },
  },
  postgresql_csv: {
    time: PG,
    check: (runs) => {
      const events = all(runs);
      expect(events.length).toBeGreaterThan(40);
      every(events, (e) => e.keys.pid && e.keys.session_id);
      const err = events.find((e) => e.message === 'column "nosuchcolumn" does not exist')!;
      expect(err).toMatchObject({
        severity: 'error',
        type: 'postgresql.error',
        keys: { user: 'postgres', database: 'shop' },
      });
      expect(String(err.attrs.query)).toContain("\nwhere nosuchcolumn = 'x'");
      expect(err.attrs.sql_state_code).toBe('42703');
    },
  },
  linux_syslog: {
    time: SYSLOG,
    check: (runs) => {
      const [iso, traditional] = runs as [PresetRun, PresetRun];
      expect(iso.events).toHaveLength(rawLines('linux_syslog', 'syslog').length);
      // Same messages in both formats: same second, same fields.
      iso.events.forEach((e, i) => {
        const t = traditional.events[i]!;
        expect(Math.floor(t.ts / 1e6)).toBe(Math.floor(e.ts / 1e6));
        expect([t.type, t.message, t.component]).toEqual([e.type, e.message, e.component]);
      });
      expect(iso.events.find((e) => e.type === 'syslog.CRON')).toMatchObject({ keys: { pid: '4242' } });
      expect(iso.events.some((e) => e.message.includes('ünïcödé'))).toBe(true);
    },
  },
  linux_auth: {
    time: SYSLOG,
    check: (runs) => {
      for (const run of runs) {
        const failures = run.events.filter((e) => e.type === 'auth.failure');
        // The su failures come from real PAM (two FAILED SU, two could-not-identify), two from logger.
        expect(failures.filter((e) => e.message.startsWith('FAILED SU'))).toHaveLength(2);
        every(failures, (e) => e.severity === 'warning' && e.kind === 'audit');
        // Every failure that names a user has it as a key (one PAM line names none).
        every(
          failures.filter((e) => /user[= ]\w|SU \(to|for \[/.test(e.message)),
          (e) => e.keys.user,
        );
        expect(run.events.find((e) => e.message.startsWith('Failed password'))).toMatchObject({
          keys: { user: 'admin', client_ip: '198.51.100.7', pid: '5152' },
        });
        const opened = run.events.filter((e) => e.type === 'session.opened');
        expect(opened.length).toBeGreaterThan(2);
        every(opened, (e) => e.keys.user === /for user (\w+)/.exec(e.message)![1]);
      }
    },
  },
  haproxy_http: {
    time: ACCEPT,
    check: (runs) => {
      for (const run of runs) {
        every(run.events, (e) => e.attrs.frontend === 'web' && typeof e.attrs.status === 'number');
        expect(run.events.find((e) => e.attrs.path === '/dead/end')).toMatchObject({
          severity: 'error',
          attrs: { status: 503, backend: 'dead', server: 'd1' },
        });
        expect(run.events.filter((e) => e.attrs.request === '<BADREQ>').length).toBeGreaterThan(0);
        expect(run.events.find((e) => e.attrs.backend === 'nginx')).toMatchObject({
          type: 'http.request',
          keys: { client_ip: '127.0.0.1' },
        });
      }
    },
  },
  redis: {
    time: (raw) => {
      const m = / (\d+) (\w{3}) (\d{4}) (\d\d):(\d\d):(\d\d)\.(\d+) /.exec(raw)!;
      return utcUs(n(m[3]), month(m[2]!), n(m[1]), n(m[4]), n(m[5]), n(m[6]), m[7]);
    },
    check: (runs) => {
      const events = all(runs);
      every(events, (e) => e.keys.pid === /^(\d+):/.exec(e.raw)![1]);
      expect(events.find((e) => e.message === 'DB saved on disk')).toMatchObject({
        type: 'redis.child',
        severity: 'notice',
      });
      expect(events.find((e) => e.message.startsWith('Accepted '))).toMatchObject({
        type: 'redis.master',
        severity: 'info',
      });
      expect(events.find((e) => e.message.startsWith('WARNING'))).toMatchObject({ severity: 'warning' });
    },
  },
  clickhouse: {
    time: (raw) => {
      const m = /^(\d{4})\.(\d\d)\.(\d\d) (\d\d):(\d\d):(\d\d)\.(\d+)/.exec(raw)!;
      return utcUs(n(m[1]), n(m[2]), n(m[3]), n(m[4]), n(m[5]), n(m[6]), m[7]);
    },
    check: (runs) => {
      const events = all(runs);
      const starts = rawLines('clickhouse', 'clickhouse-server.log').filter((l) => /^\d{4}\./.test(l)).length;
      expect(events).toHaveLength(starts);
      const errors = events.filter((e) => e.severity === 'error');
      expect(errors.length).toBeGreaterThan(2);
      // The stack trace stays with its exception.
      every(errors, (e) => e.message.includes('DB::Exception') && e.message.includes('\n0. '));
      every(
        events.filter((e) => e.type === 'executeQuery'),
        (e) => /^[0-9a-f-]{36}$/.test(e.keys.query_id ?? ''),
      );
    },
  },
};

describe('presets over logs of the real programs', () => {
  for (const [name, c] of Object.entries(CASES)) {
    it(name, () => {
      const runs = runFixtures(name);
      expect(runs.length).toBeGreaterThan(0);
      for (const run of runs) {
        expect(run.dead.map((d) => `${d.reason}: ${d.raw}`)).toEqual([]);
        expect(run.events).toHaveLength(run.records);
        expect(run.events.length).toBeGreaterThan(5);
        for (const e of run.events) expect(e.ts, e.raw).toBe(c.time(e.raw));
      }
      c.check(runs);
    });
  }
});
