// Sensor event numbers and alarm ids. A realtime run reserves ids in blocks and saves the end of
// the block *before* handing the first one out, so even a killed simulator restarts beyond every
// id it may have written (a gap is harmless, a reused id is not).

export interface IdLimits {
  nextEvt: number;
  nextAlarm: number;
}

const BLOCK = 100;

export class IdCounters {
  private limitEvt: number;
  private limitAlarm: number;

  constructor(
    public nextEvt: number,
    public nextAlarm: number,
    /** Persists limits before ids below them are used; absent: no reservation (batch). */
    private readonly reserve?: (limits: IdLimits) => void,
  ) {
    this.limitEvt = reserve ? nextEvt : Number.POSITIVE_INFINITY;
    this.limitAlarm = reserve ? nextAlarm : Number.POSITIVE_INFINITY;
  }

  evt(): number {
    if (this.nextEvt >= this.limitEvt) {
      this.limitEvt = this.nextEvt + BLOCK;
      this.persist();
    }
    return this.nextEvt++;
  }

  alarm(): number {
    if (this.nextAlarm >= this.limitAlarm) {
      this.limitAlarm = this.nextAlarm + BLOCK;
      this.persist();
    }
    return this.nextAlarm++;
  }

  private persist(): void {
    this.reserve?.({ nextEvt: this.limitEvt, nextAlarm: this.limitAlarm });
  }
}
