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
  /**
   * What the source knows about the record beyond its text (e.g. `_peer`, the sender's address).
   * The processor starts the record's fields with these, so parsers and map can use them; names
   * start with `_` so they never collide with parsed fields. Absent for files.
   */
  meta?: Readonly<Record<string, string>>;
}

/** A committed read position: `offset` is where reading resumes in the file with identity `fileId`. */
export interface SourcePosition {
  pipeline: string;
  fileId: string;
  path: string;
  offset: number;
  /**
   * Opaque to everything but the source that wrote it: what the position was taken in (for files,
   * a print of the head and a hash of the bytes before `offset`), checked before resuming there.
   */
  checksum?: string;
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
  /**
   * Called once the rows produced from this batch (and its positions) are committed: a source
   * whose sender waits for an acknowledgement (HTTP push) answers only then. Never called for
   * rows that are not committed (e.g. the process dies first); the sender then retries.
   */
  onCommitted?: () => void;
}

export interface SourceStats {
  filesOpen: number;
  filesKnown: number;
  bytesRead: number;
  /** Bytes present in files but not yet stored as records (lag): unread, or held by framing. */
  bytesBehind: number;
  /**
   * Of bytesBehind, the bytes already read but held by framing: a multiline record waiting for the
   * next record's start or its timeout, or a last line without its newline yet. Not a backlog.
   */
  bytesHeld?: number;
  /** Empty lines skipped by framing (counted so that `read = events + dead letters + filtered` holds). */
  emptyLines?: number;
  /**
   * Files read again from the start because their content was replaced: they shrank below the read
   * position, or the bytes at their start or before a committed position changed.
   */
  truncations?: number;
  /** NUL padding skipped at line starts (left by writers that keep their offset across a truncation). */
  paddingBytes?: number;
  /** Files that left their path (renamed away or deleted) while being followed. */
  rotations?: number;
  /** Open network connections (TCP syslog, HTTP). */
  connections?: number;
  /** Records dropped because the consumer fell behind and the protocol cannot push back (UDP). */
  dropped?: number;
  /** Requests or connections refused (bad token, oversize body, queue full, too many connections). */
  refused?: number;
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
