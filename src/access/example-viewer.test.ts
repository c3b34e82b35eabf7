import { describe, expect, it } from 'vitest';
import { visibleExamples } from '../process/catalog/examples.ts';
import type { FieldMask } from '../reports/field-masks.ts';
import { exampleViewer } from './example-viewer.ts';
import { datasetScope } from './scopes.ts';

const identity = (
  rules: string[] | undefined,
  attrs: Record<string, string> = {},
  masks: Omit<FieldMask, 'salt'>[] = [],
) => ({
  user: 'u',
  roles: ['r'],
  scopeOf: (ds: string) => datasetScope(ds, ['r'], () => (rules ? { events: rules } : undefined), attrs),
  masksOf: (ds: string): FieldMask[] =>
    ds === 'events' ? masks.map((m) => ({ ...m, salt: 'salt-for-tests' })) : [],
});

describe('example values follow the events scope', () => {
  it('keeps examples of origins in scope and drops the rest', () => {
    const v = exampleViewer(identity(['subsystem in [video]']));
    expect(visibleExamples(v, { subsystem: 'video', field: 'keys.alarm_id' }, ['a1'])).toEqual(['a1']);
    expect(visibleExamples(v, { subsystem: 'sensors', field: 'keys.evt' }, ['e1'])).toEqual([]);
  });

  it('hides examples when a rule needs a dimension an origin does not carry (fail closed)', () => {
    const v = exampleViewer(identity(['attrs.site = north']));
    expect(visibleExamples(v, { subsystem: 'video', field: 'message' }, ['x'])).toEqual([]);
    expect(
      visibleExamples(exampleViewer(identity(undefined)), { subsystem: 'video', field: 'm' }, ['x']),
    ).toEqual(['x']);
  });

  it('masks the examples of a masked field and hides free text under any mask', () => {
    const v = exampleViewer(
      identity(undefined, {}, [
        { field: 'attrs.operator', mode: 'partial' },
        { field: 'keys.user', mode: 'hide' },
      ]),
    );
    const o = (field: string) => ({ subsystem: 'console', field });
    expect(visibleExamples(v, o('attrs.operator'), ['mkeller', 'abc'])).toEqual(['mk***', '***']);
    expect(visibleExamples(v, o('attrs.operator.first'), ['mkeller'])).toEqual(['mk***']);
    expect(visibleExamples(v, o('keys.user'), ['u1'])).toEqual([]);
    expect(visibleExamples(v, o('message'), ['shown to operator mkeller'])).toEqual([]);
    expect(visibleExamples(v, o('keys.alarm_id'), ['A-1'])).toEqual(['A-1']);
  });
});
