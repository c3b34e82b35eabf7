// What a benchmark scenario is: a named measurement with a unit and, where one exists, a
// reference measured in the same run on the same input (so ratios compare like with like).

export interface Measurement {
  value: number;
  unit: string;
  reference?: { name: string; value: number };
  /** Extra facts worth printing (input size, ...). */
  notes?: string;
  /** Further results of the same run, each printed as its own row (e.g. one per report). */
  extra?: NamedMeasurement[];
}

export interface NamedMeasurement extends Omit<Measurement, 'extra'> {
  name: string;
}

export interface BenchContext {
  /** A fresh temporary directory for this scenario; removed afterwards. */
  dir: string;
  /** Scale factor from --scale (1 = default sizes). */
  scale: number;
  progress: (text: string) => void;
}

export interface Scenario {
  name: string;
  description: string;
  /** Higher is better for rates, lower for latencies; used to compute the ratio's direction. */
  better: 'higher' | 'lower';
  run(ctx: BenchContext): Promise<Measurement>;
}
