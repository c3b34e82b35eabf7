// Expands a pipeline's `preset` into the plain configuration it stands for: the preset's parsers
// (then the user's), its map with the user's entries on top, its framing when the user kept the
// default (lines), and its `timezone` wherever the format needs a zone. The result is an ordinary
// PipelineConfig, built and validated like a hand-written one.
import { framingSpec, type MapConfig, type PipelineConfig, parserSpec } from '../../config/schema.ts';
import { ComponentError } from '../parser.ts';
import { checkZone } from '../zone.ts';
import { PRESETS } from './index.ts';
import { ZONE } from './preset.ts';

/** The pipeline with its preset expanded (unchanged without one); throws ComponentError on a bad preset. */
export function applyPreset(p: PipelineConfig): PipelineConfig {
  if (p.preset === undefined) return p;
  const { name, timezone } =
    typeof p.preset === 'string' ? { name: p.preset, timezone: undefined } : p.preset;
  const preset = PRESETS[name];
  if (preset.timezone === 'required' && timezone === undefined) {
    throw new ComponentError(
      ['preset'],
      `preset ${name} needs a timezone: the program writes local times without an offset`,
      `write preset: {name: ${name}, timezone: Europe/Berlin} with the zone the program's clock (or its log_timezone) runs in, or UTC`,
    );
  }
  if (timezone !== undefined) {
    try {
      checkZone(timezone);
    } catch {
      throw new ComponentError(
        ['preset', 'timezone'],
        `unknown time zone "${timezone}"`,
        'an IANA name such as Europe/Berlin, or UTC',
      );
    }
  }
  const zoned = <T>(x: T): T => withZone(structuredClone(x), timezone ?? 'UTC');
  const parsers = preset.parsers.map((c, i) => {
    const parsed = parserSpec.safeParse(zoned(c));
    if (!parsed.success) throw new Error(`preset ${name}: parser ${i} is invalid: ${parsed.error.message}`);
    return parsed.data;
  });
  const map: MapConfig = { ...zoned(preset.map), ...p.map };
  if (p.map.keys) map.keys = { ...zoned(preset.map).keys, ...p.map.keys };
  const framing =
    preset.framing && p.framing.type === 'lines' ? framingSpec.parse(preset.framing) : p.framing;
  return { ...p, framing, parsers: [...parsers, ...p.parsers], map };
}

/** Replaces every ZONE placeholder (and only those) in a plain configuration object. */
function withZone<T>(x: T, zone: string): T {
  if (x === ZONE) return zone as T;
  if (Array.isArray(x)) return x.map((v) => withZone(v, zone)) as T;
  if (x !== null && typeof x === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) out[k] = withZone(v, zone);
    return out as T;
  }
  return x;
}
