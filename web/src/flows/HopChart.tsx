// Horizontal bars of each hop's latency (p95, with p50 inside it) on a log scale, so a 4 ms hop and
// a 2 s hop both read, and a mark under the bar at the hop's SLA; a bar past its SLA is red. ECharts, imported
// piecewise (bar, scatter, grid, tooltip) like the Events page's volume chart.
import { BarChart, type BarSeriesOption, ScatterChart, type ScatterSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  type GridComponentOption,
  TooltipComponent,
  type TooltipComponentOption,
} from 'echarts/components';
import { type ComposeOption, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect } from 'react';
import type { FlowHopsResponse } from '../../../src/api/types.ts';
import { cssVar } from '../lib/cssVar.ts';
import { formatCount, formatMs } from '../lib/format.ts';
import { useEChart } from '../lib/useEChart.ts';

use([BarChart, ScatterChart, GridComponent, TooltipComponent, CanvasRenderer]);

type Option = ComposeOption<
  BarSeriesOption | ScatterSeriesOption | GridComponentOption | TooltipComponentOption
>;
type Hop = FlowHopsResponse['hops'][number];

export function HopChart({ hops }: { hops: Hop[] }) {
  const { el, chart } = useEChart();

  // biome-ignore lint/correctness/useExhaustiveDependencies: the chart ref from useEChart is stable
  useEffect(() => {
    chart.current?.setOption(buildOption(hops), { replaceMerge: ['series', 'yAxis'] });
  }, [hops]);

  return (
    <div ref={el} className="hop-chart" data-testid="hop-chart" style={{ height: 48 + hops.length * 34 }} />
  );
}

/** Log axes cannot show zero or less: such values sit at the axis floor (the table flags them). */
function floorOf(hops: Hop[]): number {
  const positive = hops
    .flatMap((h) => [h.p50, h.p95, h.slaMs ?? Number.POSITIVE_INFINITY])
    .filter((v) => v > 0);
  const min = Math.min(1, ...positive);
  return 10 ** Math.floor(Math.log10(min));
}

function buildOption(hops: Hop[]): Option {
  const muted = cssVar('--text-muted', '#5b6475');
  const border = cssVar('--border', '#e3e8ef');
  const surface = cssVar('--surface', '#ffffff');
  const text = cssVar('--text', '#111827');
  const brand = cssVar('--brand', '#2f4fb5');
  const brandSoft = cssVar('--brand-soft', '#e8edfb');
  const danger = cssVar('--danger', '#dc2626');
  const floor = floorOf(hops);
  const at = (v: number) => Math.max(v, floor);
  const labels = hops.map((h) => `${h.from} → ${h.to}`);
  return {
    animationDuration: 300,
    animationDurationUpdate: 250,
    grid: { left: 8, right: 72, top: 8, bottom: 26, containLabel: true },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow', shadowStyle: { color: 'rgba(120,130,150,0.10)' } },
      backgroundColor: surface,
      borderColor: border,
      textStyle: { color: text, fontSize: 12 },
      extraCssText: 'box-shadow: 0 4px 16px rgba(16,24,40,0.12); border-radius: 8px;',
      formatter: (params) => {
        const first = Array.isArray(params) ? params[0] : params;
        const h = first?.dataIndex === undefined ? undefined : hops[first.dataIndex];
        return h ? tooltipHtml(h) : '';
      },
    },
    xAxis: {
      type: 'log',
      logBase: 10,
      min: floor,
      axisLabel: {
        color: muted,
        fontSize: 11,
        formatter: (v: number) => (v < 1000 ? `${v} ms` : `${v / 1000} s`),
      },
      splitLine: { lineStyle: { color: border, type: 'dashed' } },
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: labels,
      axisTick: { show: false },
      axisLine: { lineStyle: { color: border } },
      axisLabel: { color: text, fontSize: 12 },
    },
    series: [
      {
        type: 'bar',
        id: 'p95',
        name: 'p95',
        barWidth: 14,
        z: 2,
        data: hops.map((h) => ({
          value: at(h.p95),
          itemStyle: {
            color: h.slaMs !== undefined && h.p95 > h.slaMs ? danger : brand,
            borderRadius: [0, 3, 3, 0],
          },
        })),
        label: {
          show: true,
          position: 'right',
          color: muted,
          fontSize: 11,
          backgroundColor: surface,
          padding: [1, 4],
          borderRadius: 3,
          formatter: (p) => {
            const h = hops[p.dataIndex];
            return h ? `p95 ${formatMs(h.p95)}` : '';
          },
        },
      },
      {
        type: 'bar',
        id: 'p50',
        name: 'p50',
        barWidth: 14,
        barGap: '-100%',
        z: 3,
        data: hops.map((h) => ({ value: at(h.p50), itemStyle: { color: brandSoft, opacity: 0.55 } })),
      },
      {
        type: 'scatter',
        id: 'sla',
        name: 'SLA',
        z: 1,
        // A small mark under the bar at the SLA, clear of the value label beside the bar.
        symbol: 'triangle',
        symbolSize: 9,
        symbolOffset: [0, 12],
        itemStyle: { color: muted },
        data: hops.map((h, i) =>
          h.slaMs === undefined ? [null, i] : [h.slaMs, i],
        ) as ScatterSeriesOption['data'],
      },
    ],
  };
}

function tooltipHtml(h: Hop): string {
  const row = (k: string, v: string) =>
    `<div style="display:flex;gap:16px;min-width:180px"><span style="flex:1;opacity:.75">${k}</span><b>${v}</b></div>`;
  return (
    `<div style="margin-bottom:6px;font-weight:600">${escapeHtml(h.from)} → ${escapeHtml(h.to)}</div>` +
    row('Alerts', formatCount(h.count)) +
    row('p50', formatMs(h.p50)) +
    row('p95', formatMs(h.p95)) +
    row('p99', formatMs(h.p99)) +
    row('max', formatMs(h.max)) +
    row('SLA', h.slaMs === undefined ? '–' : formatMs(h.slaMs)) +
    row('Breaches', formatCount(h.breaches))
  );
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
