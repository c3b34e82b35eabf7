// A pool of worker threads that run the pipelines' parsers, transforms and map, so parsing uses
// every core and a pathological pattern cannot stall the process. Each worker writes the record it
// is on into shared memory; a watchdog on the main thread terminates a worker that stays on one
// record longer than the per-record budget, turns that record into a dead letter (reason
// `regex_timeout`, naming the pipeline and the step), starts a fresh worker and parses the rest of
// the job again there. Jobs resolve independently; callers keep order by awaiting them in order.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { PipelineConfig } from '../config/schema.ts';
import type { DeadLetter, MortarEvent } from '../events/event.ts';
import { eventId } from '../events/id.ts';
import type { RawRecord } from '../sources/source.ts';
import { unpackEvents } from './packed-events.ts';
import { packRecords } from './packed-records.ts';
import {
  type DefineMessage,
  type FilteredAt,
  type FromWorker,
  METER_JOB,
  METER_RECORD,
  METER_SLOTS,
  type ParseMessage,
} from './parse-protocol.ts';
import { METER_STEP, stepName, TRANSFORM_STEP } from './processor.ts';
import { parseWorkerEntry, type WorkerEntry } from './worker-entry.ts';

export interface ParseOutput {
  events: MortarEvent[];
  deadLetters: DeadLetter[];
  filtered: number;
  /** Only when asked for (`detail`): where each filtered record was dropped. */
  filteredAt?: FilteredAt[];
}

export interface ParsePoolOptions {
  /** Worker threads; default: the number of cores. */
  size?: number;
  /** A record still being parsed after this long has its worker restarted. Default 1000 ms. */
  recordBudgetMs?: number;
  /** Told about every record given up on (its dead letter is part of the job's output too). */
  onTimeout?: (dead: DeadLetter) => void;
  /** What the workers run; default parseWorkerEntry() (the in-memory bundle). */
  entry?: WorkerEntry;
}

export interface ParsePoolStats {
  workers: number;
  /** Workers terminated by the watchdog. */
  restarts: number;
  /** Jobs sent and not answered yet. */
  pending: number;
}

interface Job {
  id: number;
  key: string;
  receivedAt: number;
  records: RawRecord[];
  detail: boolean;
  resolve: (out: ParseOutput) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  /** Loaded (it said so); a worker that dies before is a start failure. */
  ready: boolean;
  meter: Int32Array;
  jobs: Map<number, Job>;
  /** The job and record seen at the last watchdog tick, and since when. */
  seen?: { job: number; record: number; since: number };
}

const WORKER_OLD_MB = 160;
const WORKER_YOUNG_MB = 8;

export class ParsePool {
  readonly size: number;
  readonly #budgetMs: number;
  readonly #onTimeout?: (dead: DeadLetter) => void;
  readonly #entry: WorkerEntry;
  readonly #defs = new Map<string, DefineMessage>();
  readonly #slots: Slot[] = [];
  readonly #watchdog: NodeJS.Timeout;
  #nextJob = 1;
  #restarts = 0;
  #startFailures = 0;
  #broken: Error | undefined;
  #closed = false;

  constructor(opts: ParsePoolOptions = {}) {
    this.size = Math.max(1, opts.size ?? availableParallelism());
    this.#budgetMs = opts.recordBudgetMs ?? 1000;
    this.#onTimeout = opts.onTimeout;
    this.#entry = opts.entry ?? parseWorkerEntry();
    for (let i = 0; i < this.size; i++) this.#slots.push(this.#spawn());
    this.#watchdog = setInterval(() => this.#tick(), Math.max(20, Math.min(250, this.#budgetMs / 4)));
    this.#watchdog.unref();
  }

  /** False once closed (or broken: its workers cannot start). */
  get usable(): boolean {
    return !this.#closed;
  }

  stats(): ParsePoolStats {
    return {
      workers: this.#slots.length,
      restarts: this.#restarts,
      pending: this.#slots.reduce((a, s) => a + s.jobs.size, 0),
    };
  }

  /** Makes a pipeline version known to every worker (now and after restarts). */
  define(key: string, pipeline: string, config: PipelineConfig): void {
    const m: DefineMessage = { type: 'define', key, pipeline, config };
    this.#defs.set(key, m);
    for (const s of this.#slots) s.worker.postMessage(m);
  }

  forget(key: string): void {
    if (!this.#defs.delete(key)) return;
    for (const s of this.#slots) s.worker.postMessage({ type: 'forget', key });
  }

  /**
   * Parses records with the pipeline version `key`. `affinity` pins the job to one worker (for
   * parsers that remember earlier records of a file, such as a csv header); else the least busy.
   * `detail` also names every filtered record (`filteredAt`), for the try-out path.
   */
  parse(
    key: string,
    records: RawRecord[],
    receivedAt: number,
    affinity?: number,
    detail = false,
  ): Promise<ParseOutput> {
    if (this.#closed) return Promise.reject(this.#broken ?? new Error('parse pool is closed'));
    return new Promise((resolve, reject) => {
      this.#send({ id: 0, key, receivedAt, records, detail, resolve, reject }, affinity);
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#watchdog);
    const slots = this.#slots.splice(0);
    for (const s of slots)
      for (const j of s.jobs.values()) j.reject(this.#broken ?? new Error('parse pool closed'));
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  #send(job: Job, affinity?: number): void {
    let slot = this.#slots[0]!;
    if (affinity !== undefined) slot = this.#slots[affinity % this.#slots.length]!;
    else for (const s of this.#slots) if (s.jobs.size < slot.jobs.size) slot = s;
    job.id = this.#nextJob;
    this.#nextJob = this.#nextJob >= 0x7fffffff ? 1 : this.#nextJob + 1;
    slot.jobs.set(job.id, job);
    // An idle pool must not keep the process alive, a busy one must.
    if (slot.jobs.size === 1) slot.worker.ref();
    const m: ParseMessage = {
      type: 'parse',
      job: job.id,
      key: job.key,
      receivedAt: job.receivedAt,
      records: packRecords(job.records),
      ...(job.detail ? { detail: true } : {}),
    };
    slot.worker.postMessage(m, [
      m.records.offsets.buffer as ArrayBuffer,
      m.records.fileRefs.buffer as ArrayBuffer,
    ]);
  }

  #spawn(): Slot {
    const meter = new Int32Array(new SharedArrayBuffer(METER_SLOTS * 4));
    const worker = new Worker(this.#entry.url, {
      workerData: { ...this.#entry.workerData, meter: meter.buffer },
      // A worker holds one job's records and results at a time (a few MB): small heaps collect
      // early instead of growing towards V8's defaults, which are sized for a whole process.
      resourceLimits: { maxOldGenerationSizeMb: WORKER_OLD_MB, maxYoungGenerationSizeMb: WORKER_YOUNG_MB },
    });
    const slot: Slot = { worker, meter, ready: false, jobs: new Map() };
    for (const m of this.#defs.values()) worker.postMessage(m);
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'ready') {
        slot.ready = true;
        this.#startFailures = 0;
        return;
      }
      const job = slot.jobs.get(m.job);
      if (!job) return;
      slot.jobs.delete(m.job);
      if (slot.jobs.size === 0) worker.unref();
      if (m.type === 'parsed')
        job.resolve({
          events: unpackEvents(m.events),
          deadLetters: m.deadLetters,
          filtered: m.filtered,
          filteredAt: m.filteredAt,
        });
      else job.reject(new Error(m.error));
    });
    const lost = (e: Error) => {
      // The worker died on its own (a bug, or out of memory): its jobs fail, a new worker takes its place.
      const i = this.#slots.indexOf(slot);
      if (i < 0) return;
      for (const j of slot.jobs.values()) j.reject(e);
      slot.jobs.clear();
      if (!slot.ready && ++this.#startFailures >= 3) {
        // Workers that cannot even load (a broken installation) would be restarted forever.
        this.#broken = new Error(`parse workers cannot start: ${e.message}`);
        void this.close();
        return;
      }
      if (!this.#closed) this.#slots[i] = this.#spawn();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`parse worker exited with code ${code}`)));
    worker.unref();
    return slot;
  }

  #tick(): void {
    const now = Date.now();
    for (const slot of [...this.#slots]) {
      const job = Atomics.load(slot.meter, METER_JOB);
      if (job === 0 || slot.jobs.size === 0) {
        slot.seen = undefined;
        continue;
      }
      const record = Atomics.load(slot.meter, METER_RECORD);
      const seen = slot.seen;
      if (!seen || seen.job !== job || seen.record !== record) slot.seen = { job, record, since: now };
      else if (now - seen.since >= this.#budgetMs) this.#giveUp(slot, job, record);
    }
  }

  /** Terminates a worker stuck on one record; that record becomes a dead letter, the rest is parsed again. */
  #giveUp(slot: Slot, jobId: number, index: number): void {
    const step = Atomics.load(slot.meter, METER_STEP);
    const i = this.#slots.indexOf(slot);
    this.#slots[i] = this.#spawn();
    this.#restarts++;
    void slot.worker.terminate();
    const jobs = [...slot.jobs.values()];
    slot.jobs.clear();
    for (const job of jobs) {
      if (job.id !== jobId) {
        this.#send(job);
        continue;
      }
      const dead = this.#timeoutLetter(job, index, step);
      this.#onTimeout?.(dead);
      const rest = job.records.filter((_, k) => k !== index);
      this.#send({
        ...job,
        records: rest,
        resolve: (out) => job.resolve({ ...out, deadLetters: [...out.deadLetters, dead] }),
      });
    }
  }

  #timeoutLetter(job: Job, index: number, step: number): DeadLetter {
    const def = this.#defs.get(job.key);
    const pipeline = def?.pipeline ?? job.key;
    const r = job.records[index]!;
    const stage = stepName(step);
    const what = step < TRANSFORM_STEP ? ` (${def?.config.parsers[step]?.type ?? 'parser'} parser)` : '';
    return {
      id: eventId(pipeline, r.fileId, r.offset),
      receivedAt: job.receivedAt,
      source: def?.config.source.type ?? 'unknown',
      pipeline,
      file: r.file,
      offset: r.offset,
      stage,
      reason:
        `regex_timeout: pipeline "${pipeline}" ${stage}${what} ran over its ${this.#budgetMs} ms budget on this record ` +
        '(a pattern with nested quantifiers such as (a+)+ backtracks catastrophically); the record was ' +
        'set aside and the parse worker restarted. Make the pattern unambiguous, then replay the dead letters',
      raw: r.text,
    };
  }
}
