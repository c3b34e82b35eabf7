// Datagrams the kernel dropped for a UDP socket because its receive buffer was full (while the
// process was busy): Linux counts them per socket in /proc/net/udp and /proc/net/udp6 (the last
// column, `drops`). Other systems do not tell: undefined there.
import { readFileSync } from 'node:fs';

/** Drops of the sockets bound to `port` (hex in /proc), summed; undefined when unknown. */
export function kernelUdpDrops(port: number, ipv6: boolean): number | undefined {
  let text: string;
  try {
    text = readFileSync(ipv6 ? '/proc/net/udp6' : '/proc/net/udp', 'utf8');
  } catch {
    return undefined;
  }
  const suffix = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  let drops: number | undefined;
  for (const line of text.split('\n')) {
    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ref pointer drops
    const cols = line.trim().split(/\s+/);
    if (cols.length < 13 || !cols[1]!.endsWith(suffix)) continue;
    const n = Number(cols[12]);
    if (Number.isFinite(n)) drops = (drops ?? 0) + n;
  }
  return drops;
}
