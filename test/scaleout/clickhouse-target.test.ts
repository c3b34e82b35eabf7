// `mortar migrate --to`: the ClickHouse address forms a user may type, what they mean, what is
// refused with a hint, and the `warehouse:` block printed for the configuration.
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/events/errors.ts';
import { parseClickHouseTarget, warehouseYaml } from '../../src/warehouse/copy/clickhouseTarget.ts';

describe('parseClickHouseTarget', () => {
  it('clickhouse:// means HTTP; the port defaults to 8123 and the database to mortar', () => {
    expect(parseClickHouseTarget('clickhouse://ch.example')).toEqual({
      type: 'clickhouse',
      url: 'http://ch.example:8123',
      database: 'mortar',
    });
    expect(parseClickHouseTarget('https://ch.example/logs?user=ingest', 'pw')).toEqual({
      type: 'clickhouse',
      url: 'https://ch.example:8443',
      database: 'logs',
      username: 'ingest',
      password: 'pw',
    });
  });

  it('a cluster with every shard', () => {
    const o = parseClickHouseTarget(
      'clickhouse://ch-1:9123/m?cluster=prod&shards=ch-1:9123,http://ch-2:9124',
    );
    expect(o).toEqual({
      type: 'clickhouse',
      url: 'http://ch-1:9123',
      database: 'm',
      cluster: 'prod',
      shards: ['http://ch-1:9123', 'http://ch-2:9124'],
    });
    expect(warehouseYaml(o, 'CH_PW')).toBe(
      'warehouse:\n  type: clickhouse\n  url: http://ch-1:9123\n  database: m\n  password_env: CH_PW\n  cluster: prod\n  shards: [http://ch-1:9123, http://ch-2:9124]',
    );
  });

  it.each([
    ['not a url', /not a URL/],
    ['ftp://ch:21/m', /scheme ftp:/],
    ['clickhouse://u:secret@ch/m', /password in an environment variable/],
    ['clickhouse://ch/m-x', /letters, digits and _/],
    ['clickhouse://ch/m?cluster=c', /needs shards=/],
    ['clickhouse://ch/m?shards=a:1', /needs cluster=/],
    ['clickhouse://ch/m?replicas=2', /unknown parameter replicas/],
  ])('refuses %s with a hint', (to, message) => {
    let error: unknown;
    try {
      parseClickHouseTarget(to);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(message);
    expect((error as UserError).details[0]?.hint).toMatch(/clickhouse:\/\//);
  });
});
