// What a preset is: a known log format written as plain configuration (the same parsers, map and
// framing a user would write), so a preset can be read, copied and adjusted like any pipeline.
// The string ZONE stands for the preset's `timezone` option wherever a zone is needed.
import type { FramingConfig, MapConfig } from '../../config/schema.ts';

/** Placeholder replaced by the pipeline's `preset.timezone` (a preset never guesses a zone). */
export const ZONE = '$timezone';

export interface Preset {
  /** One line: which program, which log, which format variants. */
  description: string;
  /** required: the program writes local times without an offset, so `timezone` must be given. */
  timezone: 'required' | 'unused';
  /** Multiline framing for formats whose records span lines (stack traces, quoted SQL). */
  framing?: FramingConfig;
  /** Parser configurations as written in YAML (defaults are applied when the preset is used). */
  parsers: Record<string, unknown>[];
  map: MapConfig;
}

/** Severity of an HTTP status: 5xx error, 4xx warning, else info. */
export const HTTP_SEVERITY = {
  from: 'status',
  pattern: '^(\\d)',
  values: { '5': 'error', '4': 'warning' },
  default: 'info',
};

/** A request line `GET /path HTTP/1.1`, split when it is one; anything else (garbage) stays `request`. */
export const REQUEST_LINE =
  '(?<request>(?<method>[A-Z][A-Za-z]*) (?<path>[^ "]+)(?: (?<protocol>HTTP/[0-9.]+))?|(?:[^"\\\\]|\\\\.)*)';
