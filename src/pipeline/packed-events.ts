// Events in the form they cross from a parse worker to the main thread: column arrays instead of
// one object per event. Structured cloning an object writes every property name again, and the
// clones it builds are larger and slower to read than objects made by one literal; columns clone
// cheaply, repeated short values (subsystem, type, file, ...) travel once through a table of
// distinct strings, a message equal to the raw text is not sent twice, and the main thread
// rebuilds each event with one object literal (one compact shape for all).
import type { AttrValue, Kind, MortarEvent, Severity } from '../events/event.ts';

export interface PackedEvents {
  count: number;
  /** Distinct values of the low-cardinality columns. */
  strings: string[];
  /** Per event, 8 indexes into `strings`: subsystem, component, source, kind, type, severity, pipeline, file. */
  refs: Int32Array;
  ids: string[];
  ts: Float64Array;
  receivedAt: Float64Array;
  offsets: Float64Array;
  raw: string[];
  /** null: the message is the raw text. */
  messages: (string | null)[];
  keys: Record<string, string>[];
  attrs: Record<string, AttrValue>[];
}

const REFS = 8;

export function packEvents(events: readonly MortarEvent[]): PackedEvents {
  const n = events.length;
  const table = new Map<string, number>();
  const strings: string[] = [];
  const ref = (s: string): number => {
    let i = table.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      // A column of distinct values (a component per event) would only grow the table.
      if (strings.length < 4096) table.set(s, i);
    }
    return i;
  };
  const refs = new Int32Array(n * REFS);
  const ids = new Array<string>(n);
  const ts = new Float64Array(n);
  const receivedAt = new Float64Array(n);
  const offsets = new Float64Array(n);
  const raw = new Array<string>(n);
  const messages = new Array<string | null>(n);
  const keys = new Array<Record<string, string>>(n);
  const attrs = new Array<Record<string, AttrValue>>(n);
  for (let i = 0; i < n; i++) {
    const e = events[i]!;
    const r = i * REFS;
    refs[r] = ref(e.subsystem);
    refs[r + 1] = ref(e.component);
    refs[r + 2] = ref(e.source);
    refs[r + 3] = ref(e.kind);
    refs[r + 4] = ref(e.type);
    refs[r + 5] = ref(e.severity);
    refs[r + 6] = ref(e.pipeline);
    refs[r + 7] = ref(e.file);
    ids[i] = e.id;
    ts[i] = e.ts;
    receivedAt[i] = e.receivedAt;
    offsets[i] = e.offset;
    raw[i] = e.raw;
    messages[i] = e.message === e.raw ? null : e.message;
    keys[i] = e.keys;
    attrs[i] = e.attrs;
  }
  return { count: n, strings, refs, ids, ts, receivedAt, offsets, raw, messages, keys, attrs };
}

export function unpackEvents(p: PackedEvents): MortarEvent[] {
  const out = new Array<MortarEvent>(p.count);
  const s = p.strings;
  const refs = p.refs;
  for (let i = 0; i < p.count; i++) {
    const r = i * REFS;
    const raw = p.raw[i]!;
    out[i] = {
      id: p.ids[i]!,
      ts: p.ts[i]!,
      receivedAt: p.receivedAt[i]!,
      subsystem: s[refs[r]!]!,
      component: s[refs[r + 1]!]!,
      source: s[refs[r + 2]!]!,
      kind: s[refs[r + 3]!]! as Kind,
      type: s[refs[r + 4]!]!,
      severity: s[refs[r + 5]!]! as Severity,
      keys: p.keys[i]!,
      attrs: p.attrs[i]!,
      message: p.messages[i] ?? raw,
      raw,
      pipeline: s[refs[r + 6]!]!,
      file: s[refs[r + 7]!]!,
      offset: p.offsets[i]!,
    };
  }
  return out;
}
