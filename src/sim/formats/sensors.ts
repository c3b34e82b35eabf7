// Field-controller log lines: semicolon-separated columns in Berlin local time without an offset,
// the way small embedded controllers write them:
//   time;controller;action;evt;zone;input;state;text
// Columns that do not apply (evt of a heartbeat) stay empty; `text` never contains a semicolon.
import { berlinLocal } from './time.ts';

export type SensorAction = 'ALARM' | 'RESTORE' | 'HEARTBEAT' | 'FAULT' | 'INFO';

export interface SensorLine {
  us: number;
  component: string;
  action: SensorAction;
  evt?: number;
  zone?: string;
  input?: number;
  state: string;
  text: string;
}

export function sensorLine(l: SensorLine): string {
  return [
    berlinLocal(l.us),
    l.component,
    l.action,
    l.evt ?? '',
    l.zone ?? '',
    l.input ?? '',
    l.state,
    l.text.replaceAll(';', ','),
  ].join(';');
}

/** Heartbeat text: the controller's uptime and board temperature. */
export const sensorHeartbeatText = (uptimeS: number, tempC: number): string =>
  `uptime=${Math.floor(uptimeS)}s temp=${tempC.toFixed(1)}C`;
