// Stacked bar chart of events per subsystem and time bucket (ECharts, imported piecewise so only the
// bar chart, grid and tooltip end up in the bundle). Updates merge into the live chart: no redraw
// from scratch, no flicker. Clicking a bar reports that bucket's time span.
import { BarChart, type BarSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  type GridComponentOption,
  TooltipComponent,
  type TooltipComponentOption,
} from 'echarts/components';
import { type ComposeOption, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import type { VolumeResponse } from '../../../src/api/types.ts';
import { cssVar } from '../lib/cssVar.ts';
import { formatBucket, formatCount } from '../lib/format.ts';
import { subsystemColor } from '../lib/subsystemColor.ts';
import { useEChart } from '../lib/useEChart.ts';

use([BarChart, GridComponent, TooltipComponent, CanvasRenderer]);

type Option = ComposeOption<BarSeriesOption | GridComponentOption | TooltipComponentOption>;

export interface VolumeChartProps {
  volume: VolumeResponse;
  /** Subsystems to draw, in stacking order. */
  series: string[];
  onBucket?: (from: string, to: string) => void;
}

export function VolumeChart({ volume, series, onBucket }: VolumeChartProps) {
  const latest = useRef({ volume, onBucket });
  latest.current = { volume, onBucket };
  const { el, chart } = useEChart((c) =>
    c.on('click', (p) => {
      const { volume: v, onBucket: cb } = latest.current;
      const point = typeof p.dataIndex === 'number' ? v.points[p.dataIndex] : undefined;
      if (point && cb) cb(point.t, new Date(Date.parse(point.t) + v.bucketSeconds * 1000).toISOString());
    }),
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: the chart ref from useEChart is stable
  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    c.setOption(buildOption(volume, series), { replaceMerge: ['series'] });
    // A new window moves the bars under the pointer; drop a hover state left from the old one.
    c.dispatchAction({ type: 'downplay' });
  }, [volume, series]);

  return <div ref={el} className="volume-chart" data-testid="volume-chart" />;
}

function buildOption(volume: VolumeResponse, series: string[]): Option {
  const span = (Date.parse(volume.to) - Date.parse(volume.from)) / 1000;
  const labels = volume.points.map((p) => formatBucket(p.t, volume.bucketSeconds, span));
  const muted = cssVar('--text-muted', '#5b6475');
  const border = cssVar('--border', '#e3e8ef');
  const surface = cssVar('--surface', '#ffffff');
  const text = cssVar('--text', '#111827');
  return {
    animationDuration: 300,
    animationDurationUpdate: 250,
    // Fixed margins (room for the axis labels) so the plot does not shift as the numbers change.
    grid: { left: 40, right: 12, top: 14, bottom: 26, outerBoundsMode: 'none' },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow', shadowStyle: { color: 'rgba(120,130,150,0.12)' } },
      backgroundColor: surface,
      borderColor: border,
      textStyle: { color: text, fontSize: 12 },
      extraCssText: 'box-shadow: 0 4px 16px rgba(16,24,40,0.12); border-radius: 8px;',
      formatter: (params) => tooltipHtml(volume, Array.isArray(params) ? params : [params], series),
    },
    xAxis: {
      type: 'category',
      data: labels,
      axisTick: { show: false },
      axisLine: { lineStyle: { color: border } },
      axisLabel: { color: muted, fontSize: 11, hideOverlap: true },
    },
    yAxis: {
      type: 'value',
      minInterval: 1,
      splitNumber: 4,
      axisLabel: { color: muted, fontSize: 11 },
      splitLine: { lineStyle: { color: border, type: 'dashed' } },
    },
    series: series.map((name) => ({
      type: 'bar',
      name,
      id: name,
      stack: 'events',
      barCategoryGap: '28%',
      cursor: 'pointer',
      itemStyle: { color: subsystemColor(name) },
      data: volume.points.map((p) => p.counts[name] ?? 0),
    })),
  };
}

interface AxisParam {
  dataIndex?: number;
}

function tooltipHtml(volume: VolumeResponse, params: AxisParam[], series: string[]): string {
  const index = params[0]?.dataIndex;
  const point = index === undefined ? undefined : volume.points[index];
  if (!point) return '';
  const start = new Date(point.t);
  const end = new Date(start.getTime() + volume.bucketSeconds * 1000);
  const t = (d: Date) =>
    d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const rows = series
    .map((s) => ({ s, n: point.counts[s] ?? 0 }))
    .sort((a, b) => b.n - a.n)
    .map(
      ({ s, n }) =>
        `<div style="display:flex;align-items:center;gap:8px;min-width:170px">` +
        `<span style="width:8px;height:8px;border-radius:50%;background:${subsystemColor(s)}"></span>` +
        `<span style="flex:1">${escapeHtml(s)}</span><b>${formatCount(n)}</b></div>`,
    );
  const total = series.reduce((a, s) => a + (point.counts[s] ?? 0), 0);
  return (
    `<div style="margin-bottom:6px;font-weight:600">${t(start)} – ${t(end)}</div>${rows.join('')}` +
    `<div style="margin-top:6px;padding-top:6px;border-top:1px solid rgba(127,127,127,.25);display:flex">` +
    `<span style="flex:1">Total</span><b>${formatCount(total)}</b></div>`
  );
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
