// Default masking before pattern mining: values that vary between messages of one type (numbers,
// hex, ids, IPs with ports, paths, URLs, UUIDs, timestamps, quoted values, e-mails, key=value
// values, durations and sizes) become the wildcard `<*>` in one left-to-right pass of one combined
// regex, so a value with spaces (a quoted string, a date) stays one token and the miner compares
// constant words only. Order of the alternatives is priority at the same position.

export const WILDCARD = '<*>';

const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*';
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*';
const UNITS =
  '(?:ns|us|µs|ms|s|sec|secs|m|min|mins|h|hr|hrs|d|days?|[kKMGTP]i?B|[kKMGTP]|B|bytes?|b|kbps|Mbps|%)';

// Each alternative is one named group; key=value keeps its key and a quoted value its quotes.
const PARTS: [string, string][] = [
  ['quoted', String.raw`"(?:[^"\\\n]|\\.){0,2000}"|(?<![\w'])'(?:[^'\\\n]|\\.){0,2000}'(?![\w'])`],
  ['url', String.raw`\b[a-zA-Z][a-zA-Z0-9+.-]{1,15}://[^\s"'<>]+`],
  ['email', String.raw`(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b`],
  ['uuid', String.raw`\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b`],
  [
    'isotime',
    String.raw`\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s?Z|\s?[+-]\d{2}:?\d{2}|\s?UTC|\s?GMT)?)?\b`,
  ],
  [
    'slashtime',
    String.raw`\b\d{1,4}/(?:\d{1,2}|${MONTH})/\d{1,4}(?:[: ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s[+-]\d{4})?)?`,
  ],
  [
    'texttime',
    String.raw`\b(?:${DAY},?\s+)?${MONTH}\s+\d{1,2}(?:,?\s+\d{4})?\s+\d{1,2}:\d{2}:\d{2}(?:\.\d+)?(?:\s+\d{4})?\b`,
  ],
  ['clock', String.raw`\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\b`],
  ['ip', String.raw`(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?(?![\w.])`],
  [
    'ipv6',
    String.raw`(?<![\w:])(?=[0-9a-fA-F:]*::?[0-9a-fA-F]*:)(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4}(?![\w:])`,
  ],
  ['kv', String.raw`(?<![\w.-])([A-Za-z_][\w.-]{0,63})=(?!=)("(?:[^"\\\n]|\\.)*"|[^\s,;)\]]*)`],
  ['path', String.raw`(?<![\w.:/<>*])(?:~|\.{1,2})?(?:/[\w.@%+~:-]+)+/?|\b[A-Za-z]:\\[^\s"']+`],
  ['hex', String.raw`\b0[xX][0-9a-fA-F]+\b|\b(?=[0-9a-fA-F]*\d)(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{8,}\b`],
  [
    'b64',
    String.raw`(?<![\w+/])(?=[A-Za-z0-9+/]*\d)(?=[A-Za-z0-9+/]*[A-Z])(?=[A-Za-z0-9+/]*[a-z])[A-Za-z0-9+/]{20,}={0,2}`,
  ],
  // identifiers: a word with a digit and a separator (south-2, sc-03, A-000123, op-console-1)
  ['ident', String.raw`(?<![\w.-])(?=[\w.-]*\d)(?=[\w.-]*[-_.])[A-Za-z][\w]*(?:[-_.][\w]+)+(?![\w-])`],
  // generated names: a lower-case word with a number of three or more digits (tmp12345, t123)
  ['genname', String.raw`\b[a-z]+\d{3,}\b`],
  ['size', String.raw`(?<![\w.])[-+]?\d+(?:\.\d+)?${UNITS}(?![\w])`],
  ['num', String.raw`(?<![A-Za-z_\d])[-+]?\d+(?:[.,]\d+)*(?![A-Za-z_\d])`],
];

const MASK_RE = new RegExp(PARTS.map(([name, re]) => `(?<${name}>${re})`).join('|'), 'g');

function replace(match: string, ...args: unknown[]): string {
  const groups = args.at(-1) as Record<string, string | undefined>;
  if (groups.quoted !== undefined) return match[0] === "'" ? `'${WILDCARD}'` : `"${WILDCARD}"`;
  if (groups.kv !== undefined) {
    const eq = match.indexOf('=');
    const value = match.slice(eq + 1);
    if (value === '') return match;
    const q = value[0] === '"' ? '"' : '';
    return `${match.slice(0, eq + 1)}${q}${WILDCARD}${q}`;
  }
  if (groups.path !== undefined && !match.slice(1).includes('/') && match.length <= 2) return match;
  return WILDCARD;
}

/** The message with its variable parts replaced by `<*>`. */
export function maskMessage(message: string): string {
  return message.replace(MASK_RE, replace);
}
