// Mines a whole list of messages in order and answers, for each, its cluster id and the cluster's
// final template: what `mortar patterns` prints and what the accuracy test and bench score.
import { type MinerOptions, PatternMiner } from './miner.ts';

export interface LinePattern {
  id: string;
  template: string;
}

export function mineLines(
  lines: readonly string[],
  options: Partial<MinerOptions> = {},
): { results: LinePattern[]; miner: PatternMiner } {
  const miner = new PatternMiner(options);
  const ids = lines.map((l) => miner.add(l).id);
  return { results: ids.map((id) => ({ id, template: miner.template(id) })), miner };
}
