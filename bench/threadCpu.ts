// CPU time of the main thread alone (Linux, from /proc), in µs: what a commit takes away from
// parsing, unlike wall-clock or event-loop figures it does not grow when other processes compete
// for the cores. NaN where /proc is missing. Resolution is the kernel's clock tick (usually 10 ms).
import { readFileSync } from 'node:fs';

const TICK_US = 10_000;

export function mainThreadCpuUs(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_US;
  } catch {
    return Number.NaN;
  }
}
