// The registry of presets by name (the names are declared in the config schema, so editors can
// complete them; this record must define every one of them).
import type { PresetName } from '../../config/schema.ts';
import { clickhouse } from './clickhouse.ts';
import { postgresql, postgresqlCsv } from './postgresql.ts';
import type { Preset } from './preset.ts';
import { redis } from './redis.ts';
import { haproxyHttp, linuxAuth, linuxSyslog } from './syslog.ts';
import { apacheAccess, apacheError, nginxAccess, nginxError } from './web.ts';

export const PRESETS: Readonly<Record<PresetName, Preset>> = Object.freeze({
  nginx_access: nginxAccess,
  nginx_error: nginxError,
  apache_access: apacheAccess,
  apache_error: apacheError,
  postgresql,
  postgresql_csv: postgresqlCsv,
  linux_syslog: linuxSyslog,
  linux_auth: linuxAuth,
  haproxy_http: haproxyHttp,
  redis,
  clickhouse,
});
