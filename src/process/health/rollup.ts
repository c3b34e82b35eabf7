// Roll-up functions: the state of a group (a subsystem from its components, the system from its
// subsystems) from its members' states at one moment. Members with no data (unknown) are left
// out; a group whose members are all unknown is unknown.
//
// - worst: the worst member state.
// - redundant (redundancy group, e.g. an HA pair): failed only while every member is failed; a
//   failed member makes the group degraded; otherwise the worst member state.
// - n_of_m: ok while at least n members are ok; failed while fewer than min are not failed;
//   otherwise the worst member state, at most degraded.
// - percentage / weighted: the same with shares (by weight; percentage weighs all alike): ok while
//   at least ok% is ok, failed while less than degraded% is not failed.
import { type HealthState, RANK, type RollupDef } from './definition.ts';

export interface Member {
  name: string;
  state: HealthState;
}

export interface RollupResult {
  state: HealthState;
  /** The members that made the state, when it is not ok. */
  causes: string[];
}

const worstOf = (members: Member[], cap?: HealthState): RollupResult => {
  let state: HealthState = 'ok';
  for (const m of members) {
    const s = cap && RANK[m.state] > RANK[cap] ? cap : m.state;
    if (RANK[s] > RANK[state]) state = s;
  }
  const causes =
    state === 'ok'
      ? []
      : members
          .filter((m) => (cap && RANK[m.state] > RANK[cap] ? cap : m.state) === state)
          .map((m) => m.name);
  return { state, causes };
};

export function rollup(def: RollupDef, all: readonly Member[]): RollupResult {
  const members = all.filter((m) => m.state !== 'unknown');
  if (members.length === 0) return { state: 'unknown', causes: [] };
  const failed = members.filter((m) => m.state === 'failed');
  switch (def.fn) {
    case 'worst':
      return worstOf(members);
    case 'redundant':
      if (failed.length === members.length) return { state: 'failed', causes: failed.map((m) => m.name) };
      return worstOf(members, 'degraded');
    case 'n_of_m': {
      const ok = members.filter((m) => m.state === 'ok').length;
      if (ok >= def.n) return { state: 'ok', causes: [] };
      if (members.length - failed.length < def.min)
        return { state: 'failed', causes: failed.map((m) => m.name) };
      return worstOf(members, 'degraded');
    }
    case 'percentage':
    case 'weighted': {
      const w = (m: Member) => (def.fn === 'weighted' ? (def.weights[m.name] ?? 1) : 1);
      const total = members.reduce((a, m) => a + w(m), 0);
      const ok = members.filter((m) => m.state === 'ok').reduce((a, m) => a + w(m), 0);
      const up = members.filter((m) => m.state !== 'failed').reduce((a, m) => a + w(m), 0);
      if ((ok / total) * 100 >= def.okPct) return { state: 'ok', causes: [] };
      if ((up / total) * 100 < def.degradedPct) return { state: 'failed', causes: failed.map((m) => m.name) };
      return worstOf(members, 'degraded');
    }
  }
}
