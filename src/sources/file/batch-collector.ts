// Collects what framers emit while one batch is being read, tagging each record with the file
// it came from (its path at the time of reading and its content identity).
import type { FrameSink } from '../framing/framer.ts';
import type { RawRecord, RejectedRecord } from '../source.ts';
import type { TrackedFile } from './tracked-file.ts';

export class BatchCollector {
  readonly records: RawRecord[] = [];
  readonly rejected: RejectedRecord[] = [];

  sinkFor(t: TrackedFile): FrameSink {
    return {
      record: (text, offset, endOffset) => {
        this.records.push({ text, file: t.path, fileId: t.fileId, offset, endOffset });
      },
      reject: (reason, raw, offset, endOffset) => {
        this.rejected.push({ file: t.path, fileId: t.fileId, offset, endOffset, reason, raw });
      },
    };
  }
}
