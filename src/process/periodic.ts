// The loop every live processor shares: run about every `intervalMs`, never two runs at once, a
// failed run counted (and retried by the next tick) rather than thrown, and a stop that waits for
// the run in progress.

export interface FailureStats {
  failures: number;
  lastError?: string;
}

export interface Periodic {
  /** Runs now, or joins the run in progress; resolves when it is done (never rejects). */
  runOnce(): Promise<void>;
  stop(): Promise<void>;
}

export function startPeriodic(
  run: () => Promise<void>,
  opts: {
    intervalMs: number;
    stats: FailureStats;
    onError?: (e: unknown) => void;
    enabled?: boolean;
    /** Asked after each run: true starts the next one at once instead of at the next tick (behind). */
    again?: () => boolean;
    /**
     * Asked before each run: false skips it (another server holds the processor lease). A gate
     * that fails counts as a failed run.
     */
    gate?: () => Promise<boolean>;
  },
): Periodic {
  let running: Promise<void> | undefined;
  let stopped = false;
  const runOnce = () => {
    running ??= (opts.gate ? opts.gate() : Promise.resolve(true))
      .then((open) => (open ? run() : undefined))
      .catch((e: unknown) => {
        opts.stats.failures++;
        opts.stats.lastError = String(e);
        opts.onError?.(e);
      })
      .finally(() => {
        running = undefined;
        if (!stopped && opts.enabled !== false && opts.again?.())
          setImmediate(() => void (stopped || runOnce()));
      });
    return running;
  };
  const timer =
    opts.enabled === false ? undefined : setInterval(() => void (stopped || runOnce()), opts.intervalMs);
  return {
    runOnce,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
