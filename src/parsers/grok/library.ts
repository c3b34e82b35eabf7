// The grok pattern library: Logstash-compatible pattern names and captured field names, in both
// of Logstash's namings. `legacy` is ecs_compatibility: disabled (clientip, verb, response, ...);
// `ecs` is ECS v1 ([source][address], [http][request][method], ...). The regular expressions are
// written for Mortar (short ones such as USERNAME say what any would); the longer ones are built to
// fail fast, without nested ambiguous repetition.
import { bacula } from './bacula.ts';
import { bind } from './bind.ts';
import { ciscoAsa } from './cisco-asa.ts';
import { core } from './core.ts';
import { firewalls } from './firewalls.ts';
import { haproxy } from './haproxy.ts';
import { httpd } from './httpd.ts';
import { java } from './java.ts';
import { linuxSyslog } from './linux-syslog.ts';
import { nagios } from './nagios.ts';
import { redis } from './redis.ts';
import { squid } from './squid.ts';

export type Patterns = Readonly<Record<string, string>>;

/** One family of patterns: those alike in both namings, and those whose captured names differ. */
export interface PatternFamily {
  common: Patterns;
  legacy: Patterns;
  ecs: Patterns;
}

export type Naming = 'legacy' | 'ecs';

export const FAMILIES: Readonly<Record<string, PatternFamily>> = {
  core,
  'linux-syslog': linuxSyslog,
  httpd,
  java,
  haproxy,
  nagios,
  redis,
  squid,
  bind,
  bacula,
  'cisco-asa': ciscoAsa,
  firewalls,
};

const cache = new Map<Naming, ReadonlyMap<string, string>>();

/** Every library pattern under one naming. */
export function patternLibrary(naming: Naming): ReadonlyMap<string, string> {
  let lib = cache.get(naming);
  if (!lib) {
    const all = new Map<string, string>();
    for (const family of Object.values(FAMILIES))
      for (const [name, def] of Object.entries({ ...family.common, ...family[naming] })) all.set(name, def);
    lib = all;
    cache.set(naming, lib);
  }
  return lib;
}
