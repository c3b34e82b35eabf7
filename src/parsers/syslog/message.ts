// What the RFC 3164 and RFC 5424 readers produce: the header parts of one syslog message, its
// structured data and its text, before they become fields. Absent (or nil `-`) parts are undefined.

/** One structured-data element: `[id name="value" ...]`; a repeated parameter keeps every value. */
export interface SdElement {
  id: string;
  params: [name: string, value: string][];
}

export interface SyslogMessage {
  pri?: number;
  /** UTC microseconds. */
  timestampUs?: number;
  hostname?: string;
  appName?: string;
  procid?: string;
  msgid?: string;
  structuredData?: SdElement[];
  message?: string;
}
