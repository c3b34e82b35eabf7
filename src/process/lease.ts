// One active processor per warehouse. Embedded DuckDB is one process by construction (the file is
// locked), so there the lease is always held. Several `mortar serve` processes on one ClickHouse
// each ingest and answer reads, but only the holder of the lease runs the processors; when it dies
// another takes over once the lease expires.
//
// ClickHouse has no transactions or compare-and-set, so a claim is "write, then read back": a
// server claims when the lease is free, expired or its own (an insert into the versioned log of
// derivedTables.ts), then reads who holds it; the newest claim wins. Two servers claiming in the
// same instant may both run one round before the later claim shows; processing is idempotent (a
// rerun writes the same rows), so that costs work, never correctness.
import { hostname } from 'node:os';
import { nextVersion, replaceDerivedRows } from '../warehouse/clickhouse/derivedTables.ts';
import { LEASE_DERIVED } from '../warehouse/clickhouse/leaseSchema.ts';
import { sql } from '../warehouse/sql.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';

export interface LeaseStatus {
  /** This process runs the processors. */
  held: boolean;
  /** Who holds it (this process or another), as last read. */
  holder?: string;
  expiresUs?: number;
  /** This process's name in the lease. */
  me: string;
}

export interface ProcessorLease {
  /** Whether this process may run the processors now (checks or renews at most every `renewMs`). */
  held(): Promise<boolean>;
  status(): LeaseStatus;
  /** Checks and renews in the background every `renewMs` (also with no processor asking). */
  keep(): void;
  /** Stops renewing and gives the lease up (expires it now) when held, so a standby takes over at once. */
  release(): Promise<void>;
}

export interface LeaseOptions {
  name?: string;
  /** How long a claim lasts without renewal. */
  ttlMs?: number;
  renewMs?: number;
  /** This process's name (default host:pid:random). */
  me?: string;
  /** Told when this process gains or loses the lease. */
  onChange?: (s: LeaseStatus) => void;
}

export function processorLease(warehouse: Warehouse, o: LeaseOptions = {}): ProcessorLease {
  const me = o.me ?? `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  if (warehouse.dialect !== 'clickhouse') {
    return {
      held: async () => true,
      status: () => ({ held: true, holder: me, me }),
      keep: () => {},
      release: async () => {},
    };
  }
  const name = o.name ?? 'processors';
  const ttlUs = (o.ttlMs ?? 15_000) * 1000;
  const renewUs = (o.renewMs ?? 5_000) * 1000;
  const table = LEASE_DERIVED[0]!;
  let state: LeaseStatus = { held: false, me };
  let checkedUs = 0;
  /** Until when our own last confirmed claim lasts (we stop before it ends, whatever the reads say). */
  let ownUntilUs = 0;
  let timer: NodeJS.Timeout | undefined;

  const read = async () => {
    const [row] = await warehouse.query(
      sql`select holder, expires_us from ${sql.id(table.name)} where name = ${name}`,
    );
    return row ? { holder: String(row.holder), expiresUs: Number(row.expires_us) } : undefined;
  };
  const claim = async (expiresUs: number) => {
    const fresh = sql`(select ${name} as name, ${me} as holder, toInt64(${expiresUs}) as expires_us)`;
    await warehouse.execute(replaceDerivedRows(table, fresh, sql`name = ${name}`, nextVersion()));
  };
  let told = false;
  const set = (next: LeaseStatus) => {
    // The first answer is news too (standing by from the start).
    const changed = next.held !== state.held || !told;
    told = true;
    state = next;
    if (changed) o.onChange?.(state);
  };

  const lease: ProcessorLease = {
    async held() {
      const now = Date.now() * 1000;
      if (now - checkedUs < renewUs) return state.held && now < ownUntilUs;
      checkedUs = now;
      try {
        const cur = await read();
        if (!cur || cur.holder === me || cur.expiresUs <= now) {
          await claim(now + ttlUs);
          const after = await read();
          const won = after?.holder === me;
          if (won) ownUntilUs = now + ttlUs - renewUs;
          set({ held: won, holder: after?.holder, expiresUs: after?.expiresUs, me });
        } else {
          set({ held: false, holder: cur.holder, expiresUs: cur.expiresUs, me });
        }
      } catch {
        // The warehouse is unreachable: keep running only while our own claim surely lasts.
        set({ ...state, held: state.held && now < ownUntilUs });
      }
      return state.held && now < ownUntilUs;
    },
    status: () => ({ ...state, held: state.held && Date.now() * 1000 < ownUntilUs }),
    keep() {
      if (timer) return;
      void lease.held();
      timer = setInterval(() => void lease.held(), renewUs / 1000);
      timer.unref();
    },
    async release() {
      if (timer) clearInterval(timer);
      timer = undefined;
      if (!state.held) return;
      await claim(Date.now() * 1000 - 1).catch(() => {});
      ownUntilUs = 0;
      set({ held: false, me });
    },
  };
  return lease;
}
