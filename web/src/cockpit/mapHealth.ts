// Health on the map: the states of GET /api/states (live or at the window's end) looked up by
// subsystem and by component (keyed `subsystem/component`, as names repeat across subsystems).
import type { HealthEntityState, StatesResponse } from '../../../src/api/types.ts';

export interface MapHealth {
  subsystems: Map<string, HealthEntityState>;
  components: Map<string, HealthEntityState>;
}

export function mapHealth(states: StatesResponse | undefined): MapHealth | undefined {
  if (!states) return undefined;
  return {
    subsystems: new Map(states.subsystems.map((s) => [s.name, s])),
    components: new Map(states.components.map((c) => [`${c.subsystem}/${c.name}`, c])),
  };
}
