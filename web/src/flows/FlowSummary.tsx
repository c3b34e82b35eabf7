// The selected flow at a glance: its name and description, its steps as a chain (subsystem colour,
// SLA of the hop into each, optional ones dashed), its end-to-end SLA, deadline and horizon, and a
// switch between flows when more than one is declared.
import { Fragment } from 'react';
import type { FlowsResponse } from '../../../src/api/types.ts';
import { formatMs } from '../lib/format.ts';
import { subsystemColor } from '../lib/subsystemColor.ts';
import { Icon } from '../ui/Icon.tsx';
import { Segmented } from '../ui/Segmented.tsx';
import { stepColorKey, stepSubsystem } from './flowSteps.ts';
import './FlowSummary.css';

type Flow = FlowsResponse['flows'][number];

export function FlowSummary({
  flow,
  flows,
  onFlow,
}: {
  flow: Flow;
  flows: string[];
  onFlow: (name: string) => void;
}) {
  return (
    <section className="flow-summary" data-testid="flow-summary" aria-label={`Flow ${flow.name}`}>
      <div className="flow-summary__head">
        <div>
          <h2 className="flow-summary__name">
            <span className="flow-summary__label">Flow</span> {flow.name}
          </h2>
          {flow.description && <p className="flow-summary__desc">{flow.description}</p>}
        </div>
        {flows.length > 1 && (
          <Segmented
            label="Flow"
            value={flow.name}
            onChange={onFlow}
            options={flows.map((f) => ({ value: f, label: f }))}
          />
        )}
        <dl className="flow-summary__facts">
          <div>
            <dt>SLA</dt>
            <dd>{flow.slaMs === undefined ? '–' : formatMs(flow.slaMs)}</dd>
          </div>
          <div>
            <dt>Stuck after</dt>
            <dd>{formatMs(flow.deadlineMs)}</dd>
          </div>
          <div>
            <dt>Lost after</dt>
            <dd>{formatMs(flow.horizonMs)}</dd>
          </div>
        </dl>
      </div>
      <ol className="flow-summary__steps">
        {flow.steps.map((s, i) => {
          const prev = flow.steps[i - 1];
          const branch = s.after !== undefined && prev !== undefined && s.after !== prev.name;
          return (
            <Fragment key={s.name}>
              {i > 0 && (
                <li className="flow-summary__arrow" aria-hidden="true">
                  <Icon name="chevronRight" size={14} />
                </li>
              )}
              <li
                className={s.optional ? 'flow-step is-optional' : 'flow-step'}
                title={`${stepSubsystem(s) ?? ''} · ${[s.type].flat().join(' | ')} · key ${s.key}${s.emits ? ` → ${s.emits}` : ''}${s.optional ? ' · optional' : ''}`}
              >
                <span className="flow-step__dot" style={{ background: subsystemColor(stepColorKey(s)) }} />
                <span className="flow-step__name">{s.name}</span>
                {s.slaMs !== undefined && <span className="flow-step__sla">≤ {formatMs(s.slaMs)}</span>}
                {branch && <span className="flow-step__after">after {s.after}</span>}
              </li>
            </Fragment>
          );
        })}
      </ol>
    </section>
  );
}
