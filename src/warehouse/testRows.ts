// Test fixtures for warehouse tests: deterministic events and dead letters, varied enough to
// exercise every column type.
import type { DeadLetter, MortarEvent } from '../events/event.ts';

export const T0 = 1_760_000_000_000_000;
export const SUBSYSTEMS = ['sensors', 'gateway', 'alarm-server'] as const;

export function makeEvent(i: number, over: Partial<MortarEvent> = {}): MortarEvent {
  return {
    id: `ev-${i}`,
    ts: T0 + i * 1_000_001,
    receivedAt: T0 + i * 1_000_001 + 250_000,
    subsystem: SUBSYSTEMS[i % SUBSYSTEMS.length]!,
    component: `host-${i % 4}`,
    source: 'file',
    kind: i % 5 === 0 ? 'alert' : 'log',
    type: i % 5 === 0 ? 'alarm.raised' : 'heartbeat',
    severity: i % 5 === 0 ? 'warning' : 'info',
    keys: i % 2 === 0 ? { alarm_id: `A-${i}` } : {},
    attrs: { n: i, zone: `Z${i % 7}` },
    message: `line ${i}`,
    raw: `raw line ${i}`,
    pipeline: 'sensors',
    file: '/var/log/sensors.log',
    offset: i * 100,
    ...over,
  };
}

export function makeDeadLetter(i: number, over: Partial<DeadLetter> = {}): DeadLetter {
  return {
    id: `dl-${i}`,
    receivedAt: T0 + i * 1000,
    source: 'file',
    pipeline: 'sensors',
    file: '/var/log/sensors.log',
    offset: i * 100 + 50,
    stage: 'parse',
    reason: `no pattern matched line ${i}`,
    raw: `garbage ${i}`,
    ...over,
  };
}

export const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i);
