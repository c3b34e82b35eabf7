// Who is in the demo world: the five subsystems, their components, and the fixed facts that tie
// them together (which zones a controller watches, which camera covers a zone, which console an
// alarm is routed to). The demo's config/demo/subsystems.yaml declares the same components.

export const SUBSYSTEMS = ['sensors', 'gateway', 'alarm-server', 'video', 'console'] as const;
export type Subsystem = (typeof SUBSYSTEMS)[number];

const AREAS = ['north', 'east', 'south', 'west', 'lobby', 'perimeter'] as const;

export interface SensorController {
  id: string;
  area: string;
  /** Index used to derive cameras and routing. */
  index: number;
  console: string;
}

export const SENSORS: SensorController[] = AREAS.map((area, i) => ({
  id: `sc-${String(i + 1).padStart(2, '0')}`,
  area,
  index: i,
  // Operators split the site in half; an alarm is shown on its half's console only.
  console: i < 3 ? 'op-console-1' : 'op-console-2',
}));

export const GATEWAYS = ['gw-a', 'gw-b'] as const;
export const ALARM_SERVERS = ['as-1', 'as-2'] as const;
export const VMS = 'vms-1';
export const CONSOLES = ['op-console-1', 'op-console-2'] as const;
export const OPERATORS: Record<string, readonly string[]> = {
  'op-console-1': ['jdoe', 'mkeller'],
  'op-console-2': ['asmith', 'tnguyen'],
};

export const ZONES_PER_SENSOR = 4;
export const INPUTS_PER_ZONE = 4;
export const CAMERAS = 24;

export const zoneName = (s: SensorController, n: number): string => `${s.area}-${n}`;

/** The camera covering zone n of a controller (cameras are shared between neighbouring zones). */
export const cameraOf = (s: SensorController, n: number): string =>
  `cam-${String(((s.index * ZONES_PER_SENSOR + n - 1) % CAMERAS) + 1).padStart(2, '0')}`;

export const COMPONENTS: Record<Subsystem, readonly string[]> = {
  sensors: SENSORS.map((s) => s.id),
  gateway: GATEWAYS,
  'alarm-server': ALARM_SERVERS,
  video: [VMS],
  console: CONSOLES,
};

/** The subsystems run as an active/standby pair. */
export const HA_PAIRS: Partial<Record<Subsystem, readonly [string, string]>> = {
  gateway: GATEWAYS,
  'alarm-server': ALARM_SERVERS,
};

const SUBSYSTEM_OF = new Map(SUBSYSTEMS.flatMap((s) => COMPONENTS[s].map((c) => [c, s] as const)));

/** The subsystem a component belongs to (undefined for names the world does not know). */
export const subsystemOf = (component: string): Subsystem | undefined => SUBSYSTEM_OF.get(component);

/** The other node of an HA pair, undefined for components that have none. */
export function haPeerOf(component: string): string | undefined {
  const s = subsystemOf(component);
  const pair = s === undefined ? undefined : HA_PAIRS[s];
  if (!pair) return undefined;
  return pair[0] === component ? pair[1] : pair[0];
}

/** Seconds between two heartbeats of one component, per subsystem. */
export const HEARTBEAT_S: Record<Subsystem, number> = {
  sensors: 15,
  gateway: 10,
  'alarm-server': 10,
  video: 30,
  console: 20,
};

/**
 * A component is stale once no intact heartbeat has been written for this long: two and a half
 * periods, so one garbled heartbeat never makes it stale and two in a row always do.
 */
export const STALE_AFTER_S: Record<Subsystem, number> = Object.fromEntries(
  SUBSYSTEMS.map((s) => [s, HEARTBEAT_S[s] * 2.5]),
) as Record<Subsystem, number>;

/**
 * The alarm path's service levels, as config/demo/flows.yaml declares them: an alarm is handled
 * once every required step happened; not handled this long after its sensor raised it, it is
 * stuck (deadline), and lost (horizon).
 */
export const DEADLINE_S = 60;
export const HORIZON_S = 300;
/** The steps that make an alarm handled; the operator's acknowledgement and the clear are optional. */
export const REQUIRED_STEPS = [
  'sensor.alarm',
  'gateway.forwarded',
  'alarm.raised',
  'alarm.dispatched',
  'video.bookmark',
  'console.displayed',
] as const;

const SHIFT_US = 8 * 3_600_000_000;

/** The operator on duty at a console: shifts of eight hours from midnight UTC, two operators alternating. */
export const operatorOn = (consoleId: string, us: number): string => {
  const ops = OPERATORS[consoleId]!;
  return ops[Math.floor(us / SHIFT_US) % ops.length]!;
};

/** Start of the next shift after `us`. */
export const nextShiftAt = (us: number): number => (Math.floor(us / SHIFT_US) + 1) * SHIFT_US;
