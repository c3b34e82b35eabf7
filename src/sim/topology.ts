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

/** Seconds between two heartbeats of one component, per subsystem. */
export const HEARTBEAT_S: Record<Subsystem, number> = {
  sensors: 15,
  gateway: 10,
  'alarm-server': 10,
  video: 30,
  console: 20,
};

const SHIFT_US = 8 * 3_600_000_000;

/** The operator on duty at a console: shifts of eight hours from midnight UTC, two operators alternating. */
export const operatorOn = (consoleId: string, us: number): string => {
  const ops = OPERATORS[consoleId]!;
  return ops[Math.floor(us / SHIFT_US) % ops.length]!;
};

/** Start of the next shift after `us`. */
export const nextShiftAt = (us: number): number => (Math.floor(us / SHIFT_US) + 1) * SHIFT_US;
