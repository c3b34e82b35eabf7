import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.ts';
import { isUserError } from '../events/errors.ts';
import { type MaskRule, masksFor } from './masks.ts';
import { BUILTIN_ROLES, permissionsOf } from './roles.ts';
import { accessSettings } from './settings.ts';

const RULES: MaskRule[] = [
  { dataset: 'events', field: 'attrs.operator', mode: 'partial', unless: 'view_personal_data' },
  { dataset: 'flow_alerts', field: 'root', mode: 'hash', unless: 'manage_users' },
];
const perms = (role: string) => permissionsOf([role], BUILTIN_ROLES);

describe('masksFor', () => {
  it('applies the masks whose permission the identity lacks, to the dataset they name', () => {
    expect(masksFor(RULES, perms('admin'), 's', 'events')).toEqual([]);
    expect(masksFor(RULES, perms('analyst'), 's', 'events')).toEqual([
      { field: 'attrs.operator', mode: 'partial', salt: 's' },
    ]);
    expect(masksFor(RULES, perms('analyst'), 's', 'flow_alerts').map((m) => m.field)).toEqual(['root']);
    expect(masksFor(RULES, perms('analyst'), 's', 'health_history')).toEqual([]);
  });

  it('any events mask hides raw dead-letter lines (no field can be found in them) and what reasons quote', () => {
    expect(masksFor(RULES, perms('analyst'), 's', 'dead_letters')).toEqual([
      { field: 'raw', mode: 'hide', salt: 's' },
      { field: 'reason', mode: 'quoted', salt: 's' },
    ]);
    expect(masksFor(RULES, perms('admin'), 's', 'dead_letters')).toEqual([]);
  });
});

describe('access.masks in the configuration', () => {
  const settingsOf = (masks: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'mortar-masks-cfg-'));
    try {
      writeFileSync(join(dir, 'mortar.yaml'), `data_dir: ${dir}\naccess:\n  masks:\n${masks}`);
      return accessSettings(loadConfig(join(dir, 'mortar.yaml')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('defaults to the events dataset, partial mode and view_personal_data', () => {
    expect(settingsOf('    - { field: keys.user }\n').masks).toEqual([
      { dataset: 'events', field: 'keys.user', mode: 'partial', unless: 'view_personal_data' },
    ]);
  });

  it('refuses unknown datasets, fields, non-text fields and permissions, naming each', () => {
    try {
      settingsOf(
        '    - { dataset: nope, field: x }\n    - { field: not_a_field }\n    - { field: ts }\n    - { field: message, unless: see_all }\n',
      );
      expect.unreachable();
    } catch (e) {
      expect(isUserError(e)).toBe(true);
      const messages = (e as { details: { message: string }[] }).details.map((d) => d.message);
      expect(messages).toEqual([
        'unknown dataset "nope"',
        'dataset events has no field "not_a_field"',
        '"ts" is a time field; only text fields can be masked',
        'unknown permission "see_all"',
      ]);
    }
  });
});
