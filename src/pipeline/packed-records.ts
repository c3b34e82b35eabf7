// Framed records in the form they cross from the main thread to a parse worker: column arrays
// instead of one object per record (see packed-events.ts for why), the file path and identity of
// each record through a small table, since a batch holds records of only a few files.
import type { RawRecord } from '../sources/source.ts';

export interface PackedRecords {
  count: number;
  texts: string[];
  /** Per record: offset, endOffset. */
  offsets: Float64Array;
  /** Per record: index into `files`. */
  fileRefs: Int32Array;
  files: { file: string; fileId: string }[];
  /** Source meta per record (network sources); absent when no record has any. */
  metas?: (Readonly<Record<string, string>> | undefined)[];
}

export function packRecords(records: readonly RawRecord[]): PackedRecords {
  const n = records.length;
  const texts = new Array<string>(n);
  const offsets = new Float64Array(n * 2);
  const fileRefs = new Int32Array(n);
  const files: PackedRecords['files'] = [];
  let metas: PackedRecords['metas'];
  let lastFile = '';
  let lastFileId = '';
  let lastRef = -1;
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    texts[i] = r.text;
    offsets[2 * i] = r.offset;
    offsets[2 * i + 1] = r.endOffset;
    if (r.fileId !== lastFileId || r.file !== lastFile) {
      lastRef = files.findIndex((f) => f.fileId === r.fileId && f.file === r.file);
      if (lastRef < 0) lastRef = files.push({ file: r.file, fileId: r.fileId }) - 1;
      lastFile = r.file;
      lastFileId = r.fileId;
    }
    fileRefs[i] = lastRef;
    if (r.meta) {
      metas ??= new Array(n);
      metas[i] = r.meta;
    }
  }
  return { count: n, texts, offsets, fileRefs, files, ...(metas ? { metas } : {}) };
}

export function unpackRecord(p: PackedRecords, i: number): RawRecord {
  const f = p.files[p.fileRefs[i]!]!;
  const meta = p.metas?.[i];
  return {
    text: p.texts[i]!,
    file: f.file,
    fileId: f.fileId,
    offset: p.offsets[2 * i]!,
    endOffset: p.offsets[2 * i + 1]!,
    ...(meta ? { meta } : {}),
  };
}
