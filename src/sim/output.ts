// Everything the simulator puts on disk: one rotating log per component under
// `<outDir>/<subsystem>/<component>.log`, the ground truth `truth.jsonl`, and at the end
// `manifest.json` with the lines in every file (so tests can prove no line was lost or split).
// Deliberate corruption happens here, on the way to the file, so the world never knows about it.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { corrupt } from './formats/corrupt.ts';
import type { Random } from './random.ts';
import { COMPONENTS, SUBSYSTEMS, type Subsystem } from './topology.ts';
import type { TruthRecord } from './truth.ts';
import { type LineLedger, RotatingWriter, type WriterOptions } from './writer.ts';

export interface OutputOptions extends WriterOptions {
  /** Probability that a record is garbled. */
  corruptRate: number;
  /** Rotation of truth.jsonl: Infinity in batch runs (tests read all of it), bounded when live. */
  truthRotateBytes: number;
}

export interface Manifest {
  files: Record<string, number>;
  dropped: { files: number; lines: number };
  /** Lines in the files on disk (a restarted realtime run includes what earlier runs wrote). */
  totals: { lines: number; perSubsystem: Record<string, number> };
  /** What this run wrote; records count a multi-line stack trace once. */
  run: {
    records: number;
    lines: number;
    bytes: number;
    corrupt: number;
    perSubsystem: Record<string, number>;
  };
  /** Lines in truth.jsonl (and its rotated files, if a realtime run rotated it). */
  truthLines: number;
}

export class Output {
  private readonly writers = new Map<string, RotatingWriter>();
  private readonly truthWriter: RotatingWriter;
  readonly ledger: LineLedger = { lines: new Map(), droppedFiles: 0, droppedLines: 0 };
  private readonly truthLedger: LineLedger = { lines: new Map(), droppedFiles: 0, droppedLines: 0 };
  /** Lines written this run, per subsystem. */
  readonly linesBySubsystem: Record<string, number> = Object.fromEntries(SUBSYSTEMS.map((s) => [s, 0]));
  records = 0;
  corrupted = 0;
  truthLines = 0;
  /** Probability that a record is garbled; the corrupt scenario raises it for a while. */
  corruptRate: number;

  constructor(
    readonly outDir: string,
    private readonly opts: OutputOptions,
    private readonly rng: Random,
  ) {
    this.corruptRate = opts.corruptRate;
    // Every log exists from the start (tailers can pick it up at once), and a restarted run
    // counts what earlier runs left in each of them, written to this time or not.
    for (const s of SUBSYSTEMS) {
      mkdirSync(join(outDir, s), { recursive: true });
      for (const c of COMPONENTS[s]) this.writerOf(s, c);
    }
    const truthOpts = {
      rotateBytes: opts.truthRotateBytes,
      keepRotated: opts.keepRotated,
      bufferBytes: opts.bufferBytes,
    };
    this.truthWriter = new RotatingWriter(join(outDir, 'truth.jsonl'), truthOpts, this.truthLedger);
  }

  /** Writes one record; returns true when it was garbled on purpose. */
  write(subsystem: Subsystem, component: string, record: string): boolean {
    const w = this.writerOf(subsystem, component);
    const garble = this.rng.chance(this.corruptRate);
    const text = garble ? corrupt(record, this.rng) : record;
    w.write(text);
    this.records++;
    if (garble) this.corrupted++;
    this.linesBySubsystem[subsystem]! += 1 + countInner(text);
    return garble;
  }

  /** Rotates every log that has content now, as a logrotate run would; returns how many. */
  rotateAll(): number {
    let n = 0;
    for (const w of this.writers.values()) if (w.rotateNow()) n++;
    return n;
  }

  private writerOf(subsystem: Subsystem, component: string): RotatingWriter {
    const key = `${subsystem}/${component}`;
    let w = this.writers.get(key);
    if (!w) {
      w = new RotatingWriter(join(this.outDir, subsystem, `${component}.log`), this.opts, this.ledger);
      this.writers.set(key, w);
    }
    return w;
  }

  truth(record: TruthRecord): void {
    this.truthWriter.write(JSON.stringify(record));
    this.truthLines++;
  }

  get lines(): number {
    let n = 0;
    for (const v of Object.values(this.linesBySubsystem)) n += v;
    return n;
  }

  get bytes(): number {
    let n = 0;
    for (const w of this.writers.values()) n += w.bytesWritten;
    return n;
  }

  flush(): void {
    for (const w of this.writers.values()) w.flush();
    this.truthWriter.flush();
  }

  close(): void {
    for (const w of this.writers.values()) w.close();
    this.truthWriter.close();
  }

  /** Line counts of every file as it is on disk now (earlier runs included), relative paths. */
  manifest(): Manifest {
    const files: Record<string, number> = {};
    const perSubsystem: Record<string, number> = Object.fromEntries(SUBSYSTEMS.map((s) => [s, 0]));
    let lines = 0;
    for (const [path, n] of [...this.ledger.lines].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const rel = relative(this.outDir, path).split(sep).join('/');
      files[rel] = n;
      lines += n;
      const sub = rel.slice(0, rel.indexOf('/'));
      perSubsystem[sub] = (perSubsystem[sub] ?? 0) + n;
    }
    return {
      files,
      dropped: { files: this.ledger.droppedFiles, lines: this.ledger.droppedLines },
      totals: { lines, perSubsystem },
      run: {
        records: this.records,
        lines: this.lines,
        bytes: this.bytes,
        corrupt: this.corrupted,
        perSubsystem: { ...this.linesBySubsystem },
      },
      truthLines: [...this.truthLedger.lines.values()].reduce((a, b) => a + b, 0),
    };
  }
}

function countInner(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Writes JSON so a reader never sees a half-written file: temp file, then rename. */
export function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, path);
}
