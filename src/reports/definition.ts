// A report definition after validation: plain, typed, every name resolved against its dataset.
// This is what planning starts from; the YAML it came from travels along for the editor.
import type { ReportSource, ReportVisualType } from '../api/types.ts';
import type { Aggregate, ValueType } from './dataset.ts';

export type Granularity = 'minute' | 'hour' | 'day' | 'week';

export const GRAIN_US: Record<Granularity, number> = {
  minute: 60e6,
  hour: 3600e6,
  day: 86_400e6,
  week: 604_800e6,
};

export interface DimensionRef {
  /** Column name in the result. */
  name: string;
  dimension: string;
  granularity?: Granularity;
  label: string;
  type: ValueType;
  unit?: string;
}

export interface MeasureRef {
  name: string;
  label: string;
  agg: Aggregate;
  of?: string;
  per?: 'second' | 'minute';
  numerator?: string;
  denominator?: string;
  scale?: number;
  unit?: string;
  type: ValueType;
}

export type FilterKind = 'time_range' | 'multi_select' | 'text' | 'number_range';

export interface FilterDef {
  id: string;
  label: string;
  kind: FilterKind;
  dimension: string;
  default?: string | string[];
  dependsOn: string[];
  min?: number;
  max?: number;
  required: boolean;
}

export interface ReportDef {
  id: string;
  title: string;
  description: string;
  dataset: string;
  dimensions: DimensionRef[];
  measures: MeasureRef[];
  segments: string[];
  filters: FilterDef[];
  visual: { type: ReportVisualType; x?: string; y?: string[]; series?: string };
  sort?: { column: string; dir: 'asc' | 'desc' };
  limit?: number;
  drilldown?: { report?: string; events?: boolean; bind: Record<string, string> };
  refreshSeconds?: number;
  tags: string[];
  source: ReportSource;
  yaml: string;
}

/** The result columns of a report, in order: dimensions, then measures. */
export const columnsOf = (def: Pick<ReportDef, 'dimensions' | 'measures'>) => [
  ...def.dimensions.map((d) => ({
    name: d.name,
    label: d.label,
    type: d.type,
    role: 'dimension' as const,
    unit: d.unit,
  })),
  ...def.measures.map((m) => ({
    name: m.name,
    label: m.label,
    type: m.type,
    role: 'measure' as const,
    unit: m.unit,
  })),
];
