// The seam every source implements: an async stream of record batches, each carrying the
// positions a restart would resume from once that batch's rows are committed. A source never
// commits positions itself; the pipeline hands them to the warehouse in the same transaction as
// the rows they produced (exactly once).

/** One framed record (a line, or several lines joined by multiline framing), decoded to text. */
export interface RawRecord {
  text: string;
  /** Path (or locator) it was read from. */
  file: string;
  /** Stable identity of the underlying file (content fingerprint), survives renames. */
  fileId: string;
  /** Byte offset of the record's first byte. */
  offset: number;
  /** Byte offset just after the record (including its line terminator). */
  endOffset: number;
}

/** A committed read position: `offset` is where reading resumes in the file with identity `fileId`. */
export interface SourcePosition {
  pipeline: string;
  fileId: string;
  path: string;
  offset: number;
}

/** A record the source had to reject before parsing (e.g. a line over the size limit). */
export interface RejectedRecord {
  file: string;
  fileId: string;
  offset: number;
  endOffset: number;
  reason: string;
  /** As much of the input as is safe to keep (truncated for oversize lines). */
  raw: string;
}

export interface SourceBatch {
  records: RawRecord[];
  rejected: RejectedRecord[];
  /** Positions to commit together with the rows produced from this batch (one per file touched). */
  positions: SourcePosition[];
}

export interface SourceStats {
  filesOpen: number;
  filesKnown: number;
  bytesRead: number;
  /** Bytes present in files but not yet read (lag). */
  bytesBehind: number;
  /** Empty lines skipped by framing (counted so that `read = events + dead letters + filtered` holds). */
  emptyLines?: number;
  /** Files that shrank below their read position and were read again from the start. */
  truncations?: number;
  /** Files that left their path (renamed away or deleted) while being followed. */
  rotations?: number;
}

export interface Source {
  /**
   * Yields batches until `signal` aborts; then finishes after yielding what was already framed.
   * The consumer awaits between batches, which is the backpressure: a source reads nothing
   * while its previous batch is unconsumed.
   */
  batches(signal: AbortSignal): AsyncIterable<SourceBatch>;
  stats(): SourceStats;
}
