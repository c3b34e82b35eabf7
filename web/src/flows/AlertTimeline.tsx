// One alert's steps as a vertical timeline: a dot per declared step (filled when seen, hollow when
// missing, red when the hop into it broke its SLA), the time, subsystem, component and event type,
// the latency from the step it follows against that step's SLA, its correlation keys, and the raw
// line the step was read from (monospace, invisible characters shown).
import type { FlowAlertResponse, FlowStepInfo } from '../../../src/api/types.ts';
import { RawLine } from '../deadletters/RawLine.tsx';
import { formatMs, formatTime } from '../lib/format.ts';
import { subsystemColor } from '../lib/subsystemColor.ts';
import { Badge } from '../ui/Badge.tsx';
import { Tag } from '../ui/Tag.tsx';
import { stepSubsystem } from './flowSteps.ts';
import './AlertTimeline.css';

type Step = FlowAlertResponse['steps'][number];

export interface AlertTimelineProps {
  alert: FlowAlertResponse;
  /** The flow's declared steps (for subsystem, type, order and optional ones); may still be loading. */
  steps?: FlowStepInfo[];
}

export function AlertTimeline({ alert, steps }: AlertTimelineProps) {
  const defs = new Map((steps ?? []).map((s) => [s.name, s]));
  return (
    <ol className="timeline" data-testid="alert-timeline">
      {alert.steps.map((s, i) => (
        <TimelineStep
          key={s.step}
          step={s}
          def={defs.get(s.step)}
          alert={alert}
          last={i === alert.steps.length - 1}
        />
      ))}
    </ol>
  );
}

function TimelineStep({
  step: s,
  def,
  alert,
  last,
}: {
  step: Step;
  def?: FlowStepInfo;
  alert: FlowAlertResponse;
  last: boolean;
}) {
  const seen = s.ts !== undefined;
  const hidden = Boolean(s.hidden);
  const subsystem = s.event?.subsystem ?? (def ? stepSubsystem(def) : undefined);
  const type = s.event?.type ?? (def ? [def.type].flat().filter(Boolean).join(' | ') : undefined);
  const cls = [
    'timeline__step',
    seen ? 'is-seen' : hidden ? 'is-hidden' : 'is-missing',
    s.breach ? 'is-breach' : '',
    def?.optional ? 'is-optional' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <li
      className={cls}
      data-testid="timeline-step"
      data-step={s.step}
      data-seen={seen}
      data-hidden={hidden}
      data-breach={Boolean(s.breach)}
    >
      <div className="timeline__rail" aria-hidden="true">
        <span className="timeline__dot" />
        {!last && <span className="timeline__line" />}
      </div>
      <div className="timeline__body">
        <div className="timeline__head">
          <div className="timeline__title">
            <span className="timeline__name">{s.step}</span>
            {subsystem && (
              <span className="timeline__subsystem">
                <span
                  className="timeline__sdot"
                  style={{ background: subsystemColor(subsystem.split(' | ')[0]!) }}
                />
                {subsystem}
              </span>
            )}
            {s.component && <Tag>{s.component}</Tag>}
            {type && <span className="timeline__type">{type}</span>}
            {def?.optional && <Badge>optional</Badge>}
          </div>
          <div className="timeline__when">
            {seen ? (
              <span className="timeline__time mono">{formatTime(s.ts!)}</span>
            ) : (
              <span className="timeline__time">{hidden ? 'hidden' : 'not seen'}</span>
            )}
          </div>
        </div>
        {seen && s.latencyMs !== undefined && (
          <Latency latencyMs={s.latencyMs} slaMs={s.slaMs} breach={Boolean(s.breach)} after={def?.after} />
        )}
        {seen && s.event ? (
          <>
            {Object.keys(s.event.keys).length > 0 && (
              <div className="timeline__keys">
                {Object.entries(s.event.keys).map(([k, v]) => (
                  <Tag key={k} name={k}>
                    {v}
                  </Tag>
                ))}
              </div>
            )}
            <RawLine raw={s.event.raw} testId="timeline-raw" />
            <div className="timeline__lineage">
              {s.event.file ? `${s.event.file} · offset ${s.event.offset}` : s.event.source} · pipeline{' '}
              {s.event.pipeline}
            </div>
          </>
        ) : seen ? (
          <p className="timeline__note">The stored event of this step is no longer available.</p>
        ) : hidden ? (
          <p className="timeline__note">
            This step happened in a subsystem you may not see: its time, component and event are hidden.
          </p>
        ) : (
          <p className="timeline__note">{missingText(s, def, alert)}</p>
        )}
      </div>
    </li>
  );
}

function Latency({
  latencyMs,
  slaMs,
  breach,
  after,
}: {
  latencyMs: number;
  slaMs?: number;
  breach: boolean;
  after?: string;
}) {
  const skew = latencyMs < 0;
  const share = slaMs ? Math.min(1, Math.max(0, latencyMs) / slaMs) : undefined;
  return (
    <div
      className={`timeline__latency${breach ? ' is-breach' : ''}${skew ? ' is-skew' : ''}`}
      data-testid="timeline-latency"
    >
      <span className="timeline__latency-value">
        {skew ? '' : '+'}
        {formatMs(latencyMs)}
      </span>
      <span className="timeline__latency-from">{after ? `from ${after}` : 'from the previous step'}</span>
      {share !== undefined && (
        <span
          className="timeline__bar"
          title={`${Math.round((Math.max(0, latencyMs) / slaMs!) * 100)} % of the SLA`}
        >
          <span style={{ width: `${share * 100}%` }} />
        </span>
      )}
      {slaMs !== undefined && (
        <span className="timeline__sla">
          {breach ? `over the SLA of ${formatMs(slaMs)}` : `SLA ${formatMs(slaMs)}`}
        </span>
      )}
      {skew && (
        <Badge
          tone="warn"
          title="Stamped before the step it follows: the two components' clocks may disagree"
        >
          clock skew?
        </Badge>
      )}
    </div>
  );
}

function missingText(s: Step, def: FlowStepInfo | undefined, alert: FlowAlertResponse): string {
  const what = def
    ? `No ${[def.type].flat().join(' or ')} from ${stepSubsystem(def) ?? 'its subsystem'}`
    : 'No event';
  if (def?.optional)
    return `Optional, not seen: ${what.charAt(0).toLowerCase()}${what.slice(1)} for this alert.`;
  if (alert.state === 'in_flight') return 'Not seen yet: the alert is still within its deadline.';
  if (alert.missing === s.step)
    return `Missing: ${what.charAt(0).toLowerCase()}${what.slice(1)} with this alert's key.`;
  return `${what} with this alert's key.`;
}
