// A request's identity: its query without the given parameters (e.g. the time window or the offset),
// so that a different one means the user changed something rather than time moving on.
export function requestIdentity(url: string | null | undefined, ...ignore: string[]): string {
  if (!url) return '';
  const u = new URL(url, 'http://x');
  for (const name of ignore) u.searchParams.delete(name);
  return u.search;
}
