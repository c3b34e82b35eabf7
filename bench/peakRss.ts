// Peak resident memory of this process (all threads: parse workers and DuckDB's too), from the
// kernel's high-water mark, which can be reset so a scenario measures only its own part. Falls
// back to sampling where /proc is missing.
import { readFileSync, writeFileSync } from 'node:fs';

let sampled = 0;

/** Starts a new measurement: resets the kernel's high-water mark (Linux) and the samples. */
export function resetPeakRss(): void {
  sampled = process.memoryUsage().rss;
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // not Linux, or not permitted: samples only
  }
}

/** Call now and then while measuring (a fallback for systems without a high-water mark). */
export function sampleRss(): void {
  sampled = Math.max(sampled, process.memoryUsage().rss);
}

/** Peak RSS in bytes since resetPeakRss. */
export function peakRss(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Math.max(sampled, Number(m[1]) * 1024);
  } catch {
    // fall through
  }
  return sampled;
}
