// The pattern library's behaviour as data (cases/*.yaml): realistic lines of every family -> the
// exact fields, in legacy naming (ecs_compatibility: disabled) and in ECS v1 naming. Also checks
// that the cases exercise every family and every pattern Mortar promises to have.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parserSpec } from '../../config/schema.ts';
import { buildParser } from '../build.ts';
import type { Fields } from '../parser.ts';
import { FAMILIES, patternLibrary } from './library.ts';

interface Case {
  name: string;
  pattern?: string;
  patterns?: string[];
  definitions?: Record<string, string>;
  input: string;
  legacy?: Fields;
  ecs?: Fields;
  both?: Fields;
  dead_letter?: string;
}

/** The patterns the library promises (Logstash's best-known ones); each must be exercised. */
const PROMISED =
  `USERNAME USER EMAILLOCALPART EMAILADDRESS INT BASE10NUM NUMBER BASE16NUM POSINT NONNEGINT WORD
  NOTSPACE SPACE DATA GREEDYDATA QUOTEDSTRING QS UUID URN MAC CISCOMAC WINDOWSMAC COMMONMAC IPV6 IPV4 IP
  HOSTNAME IPORHOST HOSTPORT PATH UNIXPATH WINPATH URIPROTO URIHOST URIPATH URIQUERY URIPARAM URIPATHPARAM
  URI MONTH MONTHNUM MONTHDAY DAY YEAR HOUR MINUTE SECOND TIME DATE_US DATE_EU ISO8601_TIMEZONE
  ISO8601_SECOND TIMESTAMP_ISO8601 DATE DATESTAMP TZ DATESTAMP_RFC822 DATESTAMP_RFC2822 DATESTAMP_OTHER
  DATESTAMP_EVENTLOG HTTPDATE SYSLOGTIMESTAMP PROG SYSLOGPROG SYSLOGHOST SYSLOGFACILITY LOGLEVEL SYSLOGBASE
  SYSLOGLINE SYSLOG5424PRI SYSLOG5424BASE SYSLOG5424LINE COMMONAPACHELOG COMBINEDAPACHELOG HTTPD_COMMONLOG
  HTTPD_COMBINEDLOG HTTPD20_ERRORLOG HTTPD24_ERRORLOG HTTPD_ERRORLOG HAPROXYHTTP HAPROXYHTTPBASE HAPROXYTCP
  HAPROXYDATE NAGIOSLOGLINE JAVACLASS JAVAFILE JAVAMETHOD JAVASTACKTRACEPART JAVATHREAD JAVALOGMESSAGE
  REDISTIMESTAMP REDISLOG REDISMONLOG SQUID3 BIND9 BIND9_TIMESTAMP BACULA_LOGLINE CISCO_TAGGED_SYSLOG
  CISCOFW106001 CISCOFW106023 CISCOFW302013_302014_302015_302016 CISCOFW313001_313004_313008 IPTABLES
  NETSCREENSESSIONLOG SHOREWALL SFW2`.split(/\s+/);

const dir = fileURLToPath(new URL('./cases/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
const suites = files.map((f) => ({
  file: f,
  cases: (parse(readFileSync(dir + f, 'utf8')) as { cases: Case[] }).cases,
}));
const CTX = { fileId: 'case', offset: 1, receivedAtUs: 0 };

function run(c: Case, ecs_compatibility: 'disabled' | 'v1'): Fields | string {
  const parser = buildParser(
    parserSpec.parse({
      type: 'grok',
      patterns: c.patterns ?? [c.pattern],
      pattern_definitions: c.definitions,
      ecs_compatibility,
    }),
  );
  const fields: Fields = {};
  const result = parser(fields, c.input, CTX);
  if (typeof result === 'symbol') throw new Error('grok never filters');
  return result ?? fields;
}

describe('grok pattern library cases', () => {
  for (const { file, cases } of suites) {
    describe(file, () => {
      for (const c of cases) {
        it(c.name, () => {
          const want = c.dead_letter ?? c.both;
          expect(run(c, 'disabled'), 'legacy naming').toEqual(c.legacy ?? want);
          expect(run(c, 'v1'), 'ECS naming').toEqual(c.ecs ?? want);
        });
      }
    });
  }

  // Every name a case reaches, through the definitions of both namings.
  const reached = new Set<string>();
  const visit = (text: string) => {
    for (const [, name] of text.matchAll(/%\{(\w+)/g)) {
      if (reached.has(name!)) continue;
      reached.add(name!);
      for (const naming of ['legacy', 'ecs'] as const) visit(patternLibrary(naming).get(name!) ?? '');
    }
  };
  for (const { cases } of suites) for (const c of cases) for (const p of c.patterns ?? [c.pattern!]) visit(p);

  it('exercise every promised pattern', () => {
    expect(PROMISED.filter((name) => !reached.has(name))).toEqual([]);
  });

  it('exercise every family', () => {
    const idle = Object.entries(FAMILIES)
      .filter(([, f]) => !Object.keys({ ...f.common, ...f.legacy, ...f.ecs }).some((n) => reached.has(n)))
      .map(([name]) => name);
    expect(idle).toEqual([]);
  });
});
