// The chart of a report (time series, bar, pie, heatmap, graph) on ECharts, imported piecewise so only
// these chart types load, and only with the report pages. A click on a point, bar, slice, cell or edge
// reports the result row behind it (for drill-down).
import { BarChart, GraphChart, HeatmapChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { useEChart } from '../lib/useEChart.ts';
import { chartOption } from './chartOption.ts';
import type { RunResult, VisualType } from './reportTypes.ts';
import type { VisualAxes } from './visualAxes.ts';

use([
  LineChart,
  BarChart,
  PieChart,
  HeatmapChart,
  GraphChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

export interface ReportChartProps {
  type: VisualType;
  result: RunResult;
  axes: VisualAxes;
  onRow?: (row: number) => void;
  span?: { from: number; to: number };
}

export function ReportChart({ type, result, axes, onRow, span }: ReportChartProps) {
  const latest = useRef(onRow);
  latest.current = onRow;
  const { el, chart } = useEChart((c) =>
    c.on('click', (p) => {
      const row = (p.data as { row?: unknown } | undefined)?.row;
      if (typeof row === 'number') latest.current?.(row);
    }),
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: the chart ref from useEChart is stable
  useEffect(() => {
    chart.current?.setOption(chartOption(type, result, axes, span), { notMerge: true });
  }, [type, result, axes, span?.from, span?.to]);

  return (
    <div
      ref={el}
      className={onRow ? 'report-chart is-drillable' : 'report-chart'}
      data-testid="report-chart"
      data-visual={type}
      data-points={result.rows.length}
    />
  );
}
