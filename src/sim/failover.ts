// Failures of the active node of each HA pair: it goes silent (no heartbeats, no work), the
// standby notices a few seconds later and takes over, and the failed node restarts as standby a
// minute or two after (its first heartbeat at once). Random failures come from a Poisson process;
// the failover scenario plans one (faults.ts). The truth records each outage and the takeover;
// health sees the node failed until it restarts, and the pair failed until the takeover.
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
        if (!w.faults.suppressesRandomFailover(subsystem, w.now)) randomFailure(w, subsystem, pair);
        next();
      });
    next();
  }
}

function randomFailure(w: World, subsystem: PairSubsystem, pair: HaPair): void {
  if (!pair.handler() || pair.isDown(pair.standby())) return; // already degraded: one failure at a time
  const detectUs = Math.round(w.rng.uniform(2.5, 4) * S);
  failNode(w, subsystem, pair, detectUs, w.rng.uniform(30, 120) * S);
}

export interface FailHooks {
  onTakeover?: (peer: string) => void;
  onRestart?: () => void;
}

/**
 * Fails the pair's active node now: the standby takes over after `detectUs`, the node restarts
 * after `downUs`. Returns the failed node, or undefined when the pair cannot fail over.
 */
export function failNode(
  w: World,
  subsystem: PairSubsystem,
  pair: HaPair,
  detectUs: number,
  downUs: number,
  hooks: FailHooks = {},
): string | undefined {
  const node = pair.handler();
  if (!node || pair.isDown(pair.standby())) return undefined;
  pair.fail(node, w.now + Math.round(detectUs));
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
  const down = w.health.begin(node, 'failed', 'down', w.now);
  const noActive = w.health.beginSubsystem(subsystem, 'failed', 'no active node', w.now);
  w.after(detectUs, () => {
    const peer = pair.takeOver();
    w.health.end(noActive, w.now);
    outage.takeover_by = peer;
    outage.takeover_at = truthTs(w.now);
    const silentMs = Math.round(detectUs / 1000);
    const line =
      subsystem === 'gateway'
        ? gatewayLine(w.clock(peer), 'warn', peer, 'ha.takeover', {
            role: 'active',
            peer: node,
            silent_ms: silentMs,
            msg: `peer ${node} silent for ${silentMs} ms, taking over`,
          })
        : alarmServerLine({
            us: w.clock(peer),
            severity: 'warning',
            host: peer,
            procid: w.pids.get(peer)!,
            msgid: 'HA',
            sdId: 'ha',
            params: { role: 'active', peer: node, silent_ms: silentMs },
            message: `peer ${node} silent for ${silentMs} ms, taking over as active`,
          });
    w.emit(subsystem, peer, line);
    hooks.onTakeover?.(peer);
  });
  w.after(downUs, () => {
    pair.recover(node);
    w.bootedAt.set(node, w.now);
    outage.to = truthTs(w.now);
    w.outages.delete(node);
    w.out.truth(outage);
    w.health.end(down, w.now);
    if (subsystem === 'gateway') {
      const fields = { role: 'standby', version: '4.2.1', msg: 'gateway started' };
      w.emit(subsystem, node, gatewayLine(w.clock(node), 'info', node, 'service.start', fields));
    } else {
      w.pids.set(node, w.rng.int(3000, 60000));
      const line = alarmServerLine({
        us: w.clock(node),
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
    w.beatNow(node);
    hooks.onRestart?.();
  });
  return node;
}
