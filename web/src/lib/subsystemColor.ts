// One colour per subsystem, the same in chips, chart and table. The demo's five subsystems have
// fixed colours; any other name gets a stable colour from its hash.
export const KNOWN_SUBSYSTEMS = ['sensors', 'gateway', 'alarm-server', 'video', 'console'] as const;

const FIXED: Record<string, string> = {
  sensors: '#2a9d8f',
  gateway: '#3b6fd4',
  'alarm-server': '#e4572e',
  video: '#8e5cc9',
  console: '#e9a23b',
};

const EXTRA = ['#17a2b8', '#c2185b', '#6d8f1f', '#795548', '#5c6bc0', '#00897b', '#d81b60', '#7e57c2'];

export function subsystemColor(name: string): string {
  const fixed = FIXED[name];
  if (fixed) return fixed;
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
  return EXTRA[h % EXTRA.length]!;
}

/** Known subsystems first in their usual order, then the rest alphabetically. */
export function sortSubsystems(names: Iterable<string>): string[] {
  const rank = (n: string) => {
    const i = (KNOWN_SUBSYSTEMS as readonly string[]).indexOf(n);
    return i === -1 ? KNOWN_SUBSYSTEMS.length : i;
  };
  return [...new Set(names)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}
