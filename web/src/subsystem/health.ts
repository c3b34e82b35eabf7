// Health states in the web app: their order (worst first), labels and the CSS variable of each
// colour, shared by the Subsystem page and the Cockpit map.
import type { HealthStateName } from '../../../src/api/types.ts';

export const HEALTH_STATES: HealthStateName[] = ['failed', 'degraded', 'stale', 'ok', 'unknown'];

export const HEALTH_LABEL: Record<HealthStateName, string> = {
  failed: 'Failed',
  degraded: 'Degraded',
  stale: 'Stale',
  ok: 'OK',
  unknown: 'Unknown',
};

export const HEALTH_HINT: Record<HealthStateName, string> = {
  failed: 'not doing its job',
  degraded: 'working with a problem',
  stale: 'no sign of life in time',
  ok: 'working',
  unknown: 'no data',
};

/** The colour of a state as a CSS value (variables defined in health.css). */
export const healthColor = (s: HealthStateName) => `var(--health-${s})`;

/** Link to a subsystem's page, carrying the time window. */
export const subsystemHref = (name: string, search = '') =>
  `/subsystems/${encodeURIComponent(name)}${search}`;
