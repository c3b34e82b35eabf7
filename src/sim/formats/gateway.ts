// Gateway log lines: one JSON object per line (keys in a fixed order), ISO-8601 UTC with
// milliseconds. The gateway names things its own way (`alarm.forwarded`); the demo pipeline maps
// those names onto Mortar's event types.
import { isoUtc } from './time.ts';

export type GatewayLevel = 'debug' | 'info' | 'warn' | 'error';

/** Fields after ts/level/host/event, in the order they should appear. */
export type GatewayFields = Record<string, string | number | boolean>;

export function gatewayLine(
  us: number,
  level: GatewayLevel,
  host: string,
  event: string,
  fields: GatewayFields,
): string {
  return JSON.stringify({ ts: isoUtc(us), level, host, event, ...fields });
}

/** The id the gateway hands to the alarm server: it bridges the sensor's evt to the alarm id. */
export const alarmRef = (sensor: string, evt: number): string => `${sensor}/${evt}`;
