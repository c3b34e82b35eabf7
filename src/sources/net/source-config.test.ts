// Configuration of the network and process sources: every problem is reported at once with its
// path (missing token, unset token_env, a port used twice, framing a protocol already frames),
// and source fields such as _peer count as known to the map.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadConfig } from '../../config/load.ts';
import { isUserError, type UserError } from '../../events/errors.ts';
import { buildPipelines } from '../../pipeline/build.ts';

function problems(yaml: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'mortar-srccfg-'));
  writeFileSync(join(dir, 'mortar.yaml'), yaml);
  try {
    buildPipelines(loadConfig(join(dir, 'mortar.yaml')));
    return [];
  } catch (e) {
    if (!isUserError(e)) throw e;
    return (e as UserError).details.map(
      (d) => `${d.where.replace(/^.*mortar\.yaml:\d+:\d+ /, '')}: ${d.message}`,
    );
  }
}

const pipeline = (name: string, source: string, extra = '', component = 'c') => `
  ${name}:
    subsystem: s
    source: ${source}
    parsers: [{ type: regex, pattern: '(?<msg>.*)' }]
    map: { message: "{msg}", component: "${component}" }${extra}`;

it('reports every source problem with its path', () => {
  delete process.env.MORTAR_TEST_UNSET_TOKEN;
  const found = problems(
    `pipelines:${[
      pipeline('a', '{ type: http, listen: "127.0.0.1:9001" }'),
      pipeline('b', '{ type: http, listen: "127.0.0.1:9002", token_env: MORTAR_TEST_UNSET_TOKEN }'),
      pipeline('c', '{ type: syslog, listen: "0.0.0.0:5514", protocol: both }'),
      pipeline('d', '{ type: otlp, listen: "0.0.0.0:5514" }'),
      pipeline(
        'e',
        '{ type: syslog, listen: "0.0.0.0:5515" }',
        "\n    framing: { type: multiline, start: '^x' }",
      ),
      pipeline('f', '{ type: poll, url: "http://127.0.0.1:1/", ignore_pattern: "(" }'),
      pipeline('g', '{ type: stdin }'),
      pipeline('h', '{ type: stdin }'),
    ].join('')}`,
  );
  expect(found).toEqual([
    'pipelines.a.source: an http source needs a bearer token',
    'pipelines.b.source.token_env: environment variable MORTAR_TEST_UNSET_TOKEN is not set',
    'pipelines.e.framing: framing multiline does not apply to a syslog source',
    expect.stringMatching(/^pipelines\.f\.source\.ignore_pattern: invalid regular expression/),
    'pipelines.d.source.listen: tcp 0.0.0.0:5514 is already the listener of pipeline "c"',
    'pipelines.h.source: pipeline "g" reads stdin already',
  ]);
  expect(problems(`pipelines:${pipeline('x', '{ type: syslog, listen: "5514" }')}`)).toEqual([
    expect.stringMatching(/source\.listen: expected host:port/),
  ]);
});

it('accepts tokens from the environment, and the fields a source provides in the map', () => {
  process.env.MORTAR_TEST_TOKEN = 'from-env';
  const http = '{ type: http, listen: "127.0.0.1:0", token_env: MORTAR_TEST_TOKEN }';
  const syslog = '{ type: syslog, listen: "[::1]:0", protocol: tcp }';
  const poll = '{ type: poll, url: "http://127.0.0.1:1/" }';
  expect(
    problems(
      `pipelines:${pipeline('a', http, '', '{_batch_id}')}${pipeline('b', syslog, '', '{_peer}')}${pipeline('c', poll, '', '{_peer}')}`,
    ),
  ).toEqual(['pipelines.c.map.component: field "_peer" is not produced by any parser']);
  delete process.env.MORTAR_TEST_TOKEN;
});
