import { describe, expect, it } from 'vitest';
import { visibleExamples } from '../process/catalog/examples.ts';
import { exampleViewer } from './example-viewer.ts';
import { datasetScope } from './scopes.ts';

const identity = (rules: string[] | undefined, attrs: Record<string, string> = {}) => ({
  user: 'u',
  roles: ['r'],
  scopeOf: (ds: string) => datasetScope(ds, ['r'], () => (rules ? { events: rules } : undefined), attrs),
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
});
