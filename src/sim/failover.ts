// Failures of the active node of each HA pair: it goes silent (no heartbeats, no work), the
// standby notices a few seconds later and takes over, and the failed node restarts as standby a
// minute or two after. The truth records each outage and the takeover.
import { alarmServerLine } from './formats/alarm-server.ts';
import { gatewayLine } from './formats/gateway.ts';
import type { HaPair } from './ha.ts';
import type { OutageTruth } from './truth.ts';
import { truthTs } from './truth.ts';
import type { World } from './world.ts';

const S = 1_000_000;

type PairSubsystem = 'gateway' | 'alarm-server';

export function startFailovers(w: World): void {
  if (w.opts.failoverMeanMs <= 0) return;
  for (const [subsystem, pair] of [
    ['gateway', w.gateways],
    ['alarm-server', w.alarmServers],
  ] as const) {
    const next = (): void =>
      w.after(w.rng.exponential(1 / (w.opts.failoverMeanMs * 1000)), () => {
        fail(w, subsystem, pair);
        next();
      });
    next();
  }
}

function fail(w: World, subsystem: PairSubsystem, pair: HaPair): void {
  const node = pair.handler();
  if (!node || pair.isDown(pair.standby())) return; // already degraded: one failure at a time
  const detectUs = Math.round(w.rng.uniform(2.5, 4) * S);
  pair.fail(node, w.now + detectUs);
  w.stats.failovers++;
  const outage: OutageTruth = {
    kind: 'outage',
    subsystem,
    component: node,
    from: truthTs(w.now),
    to: null,
    takeover_by: null,
    takeover_at: null,
  };
  w.outages.set(node, outage);
  w.after(detectUs, () => {
    const peer = pair.takeOver();
    outage.takeover_by = peer;
    outage.takeover_at = truthTs(w.now);
    const silentMs = Math.round(detectUs / 1000);
    const line =
      subsystem === 'gateway'
        ? gatewayLine(w.now, 'warn', peer, 'ha.takeover', {
            role: 'active',
            peer: node,
            silent_ms: silentMs,
            msg: `peer ${node} silent for ${silentMs} ms, taking over`,
          })
        : alarmServerLine({
            us: w.now,
            severity: 'warning',
            host: peer,
            procid: w.pids.get(peer)!,
            msgid: 'HA',
            sdId: 'ha',
            params: { role: 'active', peer: node, silent_ms: silentMs },
            message: `peer ${node} silent for ${silentMs} ms, taking over as active`,
          });
    w.emit(subsystem, peer, line);
  });
  w.after(w.rng.uniform(30, 120) * S, () => {
    pair.recover(node);
    w.bootedAt.set(node, w.now);
    outage.to = truthTs(w.now);
    w.outages.delete(node);
    w.out.truth(outage);
    if (subsystem === 'gateway') {
      const fields = { role: 'standby', version: '4.2.1', msg: 'gateway started' };
      w.emit(subsystem, node, gatewayLine(w.now, 'info', node, 'service.start', fields));
    } else {
      w.pids.set(node, w.rng.int(3000, 60000));
      const line = alarmServerLine({
        us: w.now,
        severity: 'notice',
        host: node,
        procid: w.pids.get(node)!,
        msgid: 'START',
        sdId: 'sys',
        params: { role: 'standby', version: '7.1.3' },
        message: 'alarmd started',
      });
      w.emit(subsystem, node, line);
    }
  });
}
