// The true connections between components: every hop an alarm takes from one component to
// another is counted on its edge, in runs of consecutive hops. A run ends when the traffic moves
// to the other node of an HA pair on either side (sensor -> gw-b ends sensor -> gw-a), so a
// failover shows as one edge's run ending and its peer's beginning. Runs are written when they
// end, and the open ones when the simulation does.
import { haPeerOf, subsystemOf } from './topology.ts';
import { type EdgeTruth, truthTs } from './truth.ts';

interface Run {
  truth: EdgeTruth;
  firstUs: number;
  lastUs: number;
}

export class EdgeTracker {
  private readonly open = new Map<string, Run>();

  constructor(private readonly write: (record: EdgeTruth) => void) {}

  /** One hop from `from` to `to`, completed by the receiver's step at `atUs` (true time). */
  hop(from: string, to: string, fromStep: string, toStep: string, atUs: number): void {
    const fromPeer = haPeerOf(from);
    const toPeer = haPeerOf(to);
    if (toPeer) this.close(key(from, toPeer, toStep));
    if (fromPeer) this.close(key(fromPeer, to, toStep));
    const k = key(from, to, toStep);
    const run = this.open.get(k);
    if (run) {
      run.lastUs = atUs;
      run.truth.count++;
      return;
    }
    this.open.set(k, {
      firstUs: atUs,
      lastUs: atUs,
      truth: {
        kind: 'edge',
        from_subsystem: subsystemOf(from)!,
        from_component: from,
        to_subsystem: subsystemOf(to)!,
        to_component: to,
        from_step: fromStep,
        to_step: toStep,
        first: '',
        last: '',
        count: 1,
      },
    });
  }

  /** Writes every run still open (the end of the simulation). */
  finish(): void {
    for (const k of [...this.open.keys()]) this.close(k);
  }

  private close(k: string): void {
    const run = this.open.get(k);
    if (!run) return;
    this.open.delete(k);
    run.truth.first = truthTs(run.firstUs);
    run.truth.last = truthTs(run.lastUs);
    this.write(run.truth);
  }
}

const key = (from: string, to: string, toStep: string): string => `${from}>${to}>${toStep}`;
