// RFC 5424 syslog: `<PRI>VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [MSG]`,
// `-` for a nil part, structured data as `[id@enterprise name="value" ...]` elements whose values
// escape `"`, `\` and `]` with a backslash (any other backslash is literal, section 6.3.3).
import { clip } from '../fields.ts';
import { compileTimestamp } from '../timestamp.ts';
import type { SdElement, SyslogMessage } from './message.ts';

const iso = compileTimestamp('iso8601');

/** Reads the rest of an RFC 5424 message starting at `i`, just after its PRI. */
export function read5424(s: string, i: number, pri: number): SyslogMessage | string {
  const m: SyslogMessage = { pri };
  const version = token(s, i);
  if (!/^[1-9]\d{0,2}$/.test(version)) return 'RFC 5424: expected a version number after the PRI';
  i += version.length + 1;
  const parts: string[] = [];
  for (const name of ['TIMESTAMP', 'HOSTNAME', 'APP-NAME', 'PROCID', 'MSGID']) {
    if (i >= s.length) return `RFC 5424: the message ends before its ${name}`;
    const t = token(s, i);
    if (t === '') return `RFC 5424: empty ${name} (two spaces in a row?)`;
    if (name === 'TIMESTAMP' && t !== '-') {
      const us = iso(t);
      if (us === undefined) return `RFC 5424: "${clip(t, 40)}" is not a timestamp with a zone offset`;
      m.timestampUs = us;
    }
    parts.push(t);
    i += t.length + 1;
  }
  const [, hostname, appName, procid, msgid] = parts as [string, string, string, string, string];
  if (hostname !== '-') m.hostname = hostname;
  if (appName !== '-') m.appName = appName;
  if (procid !== '-') m.procid = procid;
  if (msgid !== '-') m.msgid = msgid;
  if (i > s.length) return 'RFC 5424: the message ends before its STRUCTURED-DATA';
  const sd = readStructuredData(s, i);
  if (typeof sd === 'string') return `RFC 5424: ${sd}`;
  if (sd.elements.length > 0) m.structuredData = sd.elements;
  i = sd.end;
  if (i < s.length) {
    // MSG follows one space; a missing space is tolerated, a BOM only marks UTF-8.
    if (s.charCodeAt(i) === 32) i++;
    if (s.charCodeAt(i) === 0xfeff) i++;
    m.message = s.slice(i);
  }
  return m;
}

/** The text from `i` to the next space (or the end). */
function token(s: string, i: number): string {
  const sp = s.indexOf(' ', i);
  return s.slice(i, sp < 0 ? s.length : sp);
}

/** `-` or `[...]...` at `i`: the elements and the index after them. */
export function readStructuredData(s: string, i: number): { elements: SdElement[]; end: number } | string {
  if (s[i] === '-') return { elements: [], end: i + 1 };
  if (s[i] !== '[') return 'STRUCTURED-DATA must be "-" or start with "["';
  const elements: SdElement[] = [];
  while (s[i] === '[') {
    i++;
    const idStart = i;
    while (i < s.length && !' ]="'.includes(s[i]!)) i++;
    if (i === idStart) return 'a structured-data element without an SD-ID';
    const el: SdElement = { id: s.slice(idStart, i), params: [] };
    for (;;) {
      while (s[i] === ' ') i++;
      if (i >= s.length) return `unterminated structured-data element "${clip(el.id)}"`;
      if (s[i] === ']') break;
      const nameStart = i;
      while (i < s.length && !' ]="'.includes(s[i]!)) i++;
      const name = s.slice(nameStart, i);
      if (name === '' || s[i] !== '=' || s[i + 1] !== '"')
        return `element "${clip(el.id)}": expected name="value" at column ${i + 1}`;
      i += 2;
      let value = '';
      let chunk = i;
      for (;;) {
        if (i >= s.length) return `element "${clip(el.id)}": unterminated value of "${clip(name)}"`;
        const c = s.charCodeAt(i);
        if (c === 34 /* " */) {
          value += s.slice(chunk, i);
          i++;
          break;
        }
        if (c === 92 /* \ */) {
          const next = s[i + 1];
          if (next === '"' || next === '\\' || next === ']') {
            value += s.slice(chunk, i) + next;
            i += 2;
            chunk = i;
            continue;
          }
        }
        i++;
      }
      el.params.push([name, value]);
    }
    i++; // ]
    elements.push(el);
  }
  return { elements, end: i };
}
