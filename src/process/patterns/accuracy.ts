// Grouping accuracy as in Loghub/logparser: a message counts as correct when the set of messages
// in its predicted group equals the set of messages in its true group; the score is the share of
// correct messages. Ids and labels are compared only as group names.

export function groupingAccuracy(predicted: readonly string[], truth: readonly string[]): number {
  if (predicted.length !== truth.length) throw new Error('groupingAccuracy: lengths differ');
  if (predicted.length === 0) return 1;
  const truthSize = new Map<string, number>();
  for (const t of truth) truthSize.set(t, (truthSize.get(t) ?? 0) + 1);
  const groups = new Map<string, { label: string | undefined; mixed: boolean; size: number }>();
  predicted.forEach((p, i) => {
    const g = groups.get(p);
    if (!g) groups.set(p, { label: truth[i], mixed: false, size: 1 });
    else {
      g.size++;
      if (g.label !== truth[i]) g.mixed = true;
    }
  });
  let correct = 0;
  for (const g of groups.values()) {
    if (!g.mixed && truthSize.get(g.label!) === g.size) correct += g.size;
  }
  return correct / predicted.length;
}
