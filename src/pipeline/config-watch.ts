// Watches the configuration files (the main file, everything it includes, and the folders they
// are in, for include globs that start matching a new file) by polling their size and mtime, and
// hot-reloads the ingest when they change and have stayed unchanged for one more poll (an editor
// may write a file in several steps). Every outcome is logged: what was applied, or every error
// of a rejected edit (file:line:col path and hint, as `mortar check` prints them) while the
// running pipelines stay as they were.
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Config } from '../config/load.ts';
import type { Ingest } from './ingest.ts';
import type { ReloadResult } from './reload.ts';

export interface ConfigWatcher {
  stop(): void;
}

export interface WatchOptions {
  /** The configuration the ingest runs now. */
  config: Config;
  /** Loads the configuration again (same file and overrides); throws UserError when invalid. */
  load: () => Config;
  ingest: Ingest;
  intervalMs?: number;
  log: (line: string) => void;
}

function signature(paths: Set<string>): string {
  const parts: string[] = [];
  for (const p of [...paths].sort()) {
    try {
      const s = statSync(p);
      parts.push(`${p}:${s.size}:${s.mtimeMs}:${s.ino}`);
    } catch {
      parts.push(`${p}:missing`);
    }
  }
  return parts.join('|');
}

function watched(config: Config): Set<string> {
  const files = new Set([config.file, ...config.files]);
  for (const f of [...files]) files.add(dirname(f));
  return files;
}

export function describeReload(r: ReloadResult): string {
  if (!r.ok) {
    const lines = [
      `configuration reload rejected (${r.errors.length} error${r.errors.length === 1 ? '' : 's'}); the running pipelines stay as they were:`,
    ];
    for (const d of r.errors)
      lines.push(`  ${d.where}: ${d.message}${d.hint ? `\n    hint: ${d.hint}` : ''}`);
    return lines.join('\n');
  }
  const parts: string[] = [];
  if (r.changed.length) parts.push(`switched ${r.changed.join(', ')}`);
  if (r.restarted.length) parts.push(`restarted ${r.restarted.join(', ')} (source or framing changed)`);
  if (r.added.length) parts.push(`started ${r.added.join(', ')}`);
  if (r.removed.length) parts.push(`stopped ${r.removed.join(', ')}`);
  if (parts.length === 0) parts.push('no pipeline changed');
  const restart = r.needsRestart.length ? `; ${r.needsRestart.join(', ')} changed: restart to apply` : '';
  return `configuration reloaded: ${parts.join('; ')}${restart}`;
}

export function watchConfig(opts: WatchOptions): ConfigWatcher {
  let paths = watched(opts.config);
  let applied = signature(paths);
  let pending: string | undefined;
  let busy = false;
  const tick = async () => {
    if (busy) return;
    const now = signature(paths);
    if (now === applied) {
      pending = undefined;
      return;
    }
    // Changed: wait until it stays the same for one poll.
    if (now !== pending) {
      pending = now;
      return;
    }
    busy = true;
    try {
      let loaded: Config | undefined;
      const result = await opts.ingest.reload(() => {
        loaded = opts.load();
        return loaded;
      });
      applied = now;
      pending = undefined;
      if (result.ok && loaded) {
        paths = watched(loaded);
        applied = signature(paths);
      }
      opts.log(describeReload(result));
    } catch (e) {
      opts.log(`configuration reload failed: ${String(e)}`);
      applied = now;
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), opts.intervalMs ?? 1000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
