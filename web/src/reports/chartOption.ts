// Turns a run result into an ECharts option for the report's visual (time series, bar, pie, heatmap,
// graph). Every data item remembers the result row it came from (`row`), so a click can drill down.
import type { EChartsCoreOption } from 'echarts/core';
import { cssVar } from '../lib/cssVar.ts';
import { subsystemColor } from '../lib/subsystemColor.ts';
import { axisLabel, formatCell, formatNumber } from './formatCell.ts';
import type { RunResult, VisualType } from './reportTypes.ts';
import { num, type VisualAxes } from './visualAxes.ts';

const PALETTE = ['#3b6fd4', '#2a9d8f', '#e4572e', '#8e5cc9', '#e9a23b', '#17a2b8', '#c2185b', '#6d8f1f'];

interface Theme {
  muted: string;
  border: string;
  surface: string;
  text: string;
  brand: string;
}

function theme(): Theme {
  return {
    muted: cssVar('--text-muted', '#5b6475'),
    border: cssVar('--border', '#e3e8ef'),
    surface: cssVar('--surface', '#ffffff'),
    text: cssVar('--text', '#111827'),
    brand: cssVar('--brand', '#2f4fb5'),
  };
}

/** A series colour: the subsystem's own colour when the series are subsystems, else the palette. */
function colorFor(name: string, i: number, bySubsystem: boolean): string {
  return bySubsystem ? subsystemColor(name) : PALETTE[i % PALETTE.length]!;
}

/** `span`: the time window the filters ask for (ms), so a time axis shows all of it, data or not. */
export function chartOption(
  type: VisualType,
  result: RunResult,
  axes: VisualAxes,
  span?: { from: number; to: number },
): EChartsCoreOption {
  const t = theme();
  const base = {
    animationDuration: 300,
    animationDurationUpdate: 250,
    textStyle: { fontFamily: 'inherit' },
    tooltip: {
      backgroundColor: t.surface,
      borderColor: t.border,
      textStyle: { color: t.text, fontSize: 12 },
      extraCssText: 'box-shadow: 0 4px 16px rgba(16,24,40,0.12); border-radius: 8px;',
    },
  };
  if (type === 'pie') return { ...base, ...pie(result, axes, t) };
  if (type === 'heatmap') return { ...base, ...heatmap(result, axes, t) };
  if (type === 'graph') return { ...base, ...graph(result, axes, t) };
  return { ...base, ...cartesian(type === 'timeseries' ? 'line' : 'bar', result, axes, t, span) };
}

function axisStyle(t: Theme) {
  return {
    axisLine: { lineStyle: { color: t.border } },
    axisTick: { show: false },
    axisLabel: { color: t.muted, fontSize: 11 },
    splitLine: { lineStyle: { color: t.border, type: 'dashed' } },
  };
}

function cartesian(
  kind: 'line' | 'bar',
  r: RunResult,
  a: VisualAxes,
  t: Theme,
  span?: { from: number; to: number },
) {
  const xCol = r.columns[a.x];
  const time = kind === 'line' && xCol?.type === 'time';
  const bySubsystem = a.series >= 0 && r.columns[a.series]?.name === 'subsystem';
  const groups = new Map<
    string,
    { name: string; y: number; rows: { x: string | number; v: number | null; row: number }[] }
  >();
  const categories: string[] = [];
  r.rows.forEach((row, i) => {
    const xv = row[a.x];
    const xKey = axisLabel(xv ?? null, xCol);
    if (!time && !categories.includes(xKey)) categories.push(xKey);
    for (const y of a.ys) {
      const split = a.series >= 0 ? String(row[a.series] ?? '–') : '';
      const name =
        a.ys.length > 1 || !split
          ? split
            ? `${split} · ${r.columns[y]?.label}`
            : (r.columns[y]?.label ?? '')
          : split;
      let g = groups.get(name);
      if (!g) {
        g = { name, y, rows: [] };
        groups.set(name, g);
      }
      g.rows.push({ x: time ? Date.parse(String(xv)) : xKey, v: num(row[y] ?? null), row: i });
    }
  });
  // A line over time follows time, whatever order the table is sorted in.
  if (time) for (const g of groups.values()) g.rows.sort((p, q) => (p.x as number) - (q.x as number));
  const unit = r.columns[a.ys[0]!]?.unit;
  const series = [...groups.values()].map((g, i) => ({
    type: kind,
    name: g.name,
    ...(kind === 'line'
      ? { showSymbol: g.rows.length < 60, symbolSize: 5, smooth: false }
      : { barMaxWidth: 28 }),
    ...(kind === 'bar' && groups.size > 1 && a.ys.length === 1 ? { stack: 'total' } : {}),
    itemStyle: { color: colorFor(g.name, i, bySubsystem) },
    lineStyle: { width: 2 },
    emphasis: { focus: 'series' },
    data: g.rows.map((p) => ({ value: [p.x, p.v], row: p.row })),
  }));
  return {
    grid: { left: 8, right: 16, top: groups.size > 1 ? 36 : 12, bottom: 8, containLabel: true },
    legend:
      groups.size > 1
        ? {
            top: 0,
            type: 'scroll',
            textStyle: { color: t.muted, fontSize: 11 },
            icon: 'roundRect',
            itemWidth: 10,
            itemHeight: 10,
          }
        : undefined,
    tooltip: {
      trigger: 'axis',
      valueFormatter: (v: unknown) => (typeof v === 'number' ? formatNumber(v, unit) : '–'),
    },
    xAxis: time
      ? {
          type: 'time',
          ...(span ? { min: span.from, max: span.to } : {}),
          ...axisStyle(t),
          splitLine: { show: false },
        }
      : {
          type: 'category',
          data: categories,
          ...axisStyle(t),
          axisLabel: { color: t.muted, fontSize: 11, hideOverlap: true, width: 160, overflow: 'truncate' },
          splitLine: { show: false },
        },
    yAxis: {
      type: 'value',
      ...axisStyle(t),
      axisLabel: { color: t.muted, fontSize: 11, formatter: (v: number) => formatNumber(v, unit) },
    },
    series,
  };
}

function pie(r: RunResult, a: VisualAxes, t: Theme) {
  const y = a.ys[0]!;
  const bySubsystem = r.columns[a.x]?.name === 'subsystem';
  return {
    tooltip: {
      trigger: 'item',
      valueFormatter: (v: unknown) => (typeof v === 'number' ? formatNumber(v, r.columns[y]?.unit) : '–'),
    },
    legend: {
      type: 'scroll',
      orient: 'vertical',
      right: 8,
      top: 'middle',
      textStyle: { color: t.muted, fontSize: 11 },
    },
    series: [
      {
        type: 'pie',
        radius: ['42%', '72%'],
        center: ['40%', '50%'],
        itemStyle: { borderColor: t.surface, borderWidth: 2 },
        label: { color: t.text, fontSize: 11 },
        data: r.rows.map((row, i) => {
          const name = formatCell(row[a.x] ?? null, r.columns[a.x]);
          return {
            name,
            value: num(row[y] ?? null) ?? 0,
            row: i,
            itemStyle: { color: colorFor(name, i, bySubsystem) },
          };
        }),
      },
    ],
  };
}

function heatmap(r: RunResult, a: VisualAxes, t: Theme) {
  const y = a.ys[0]!;
  const xs: string[] = [];
  const rowsAxis: string[] = [];
  const yCat = a.series >= 0 ? a.series : -1;
  const data = r.rows.map((row, i) => {
    const xv = axisLabel(row[a.x] ?? null, r.columns[a.x]);
    const yv = yCat >= 0 ? String(row[yCat] ?? '–') : (r.columns[y]?.label ?? '');
    if (!xs.includes(xv)) xs.push(xv);
    if (!rowsAxis.includes(yv)) rowsAxis.push(yv);
    return { value: [xs.indexOf(xv), rowsAxis.indexOf(yv), num(row[y] ?? null)], row: i };
  });
  const values = data.map((d) => d.value[2]).filter((v): v is number => typeof v === 'number');
  const lo = values.length ? Math.min(...values) : 0;
  const hi = values.length ? Math.max(...values) : 1;
  return {
    tooltip: {
      trigger: 'item',
      formatter: (p: { value: [number, number, number | null] }) =>
        `${escapeHtml(rowsAxis[p.value[1]] ?? '')} · ${escapeHtml(xs[p.value[0]] ?? '')}<br/><b>${p.value[2] === null ? '–' : formatNumber(p.value[2], r.columns[y]?.unit)}</b>`,
    },
    grid: { left: 8, right: 16, top: 8, bottom: 40, containLabel: true },
    xAxis: { type: 'category', data: xs, ...axisStyle(t), splitArea: { show: true } },
    yAxis: { type: 'category', data: rowsAxis, ...axisStyle(t), splitArea: { show: true } },
    visualMap: {
      min: lo,
      max: hi,
      calculable: false,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      itemWidth: 12,
      itemHeight: 160,
      text: [formatNumber(hi, r.columns[y]?.unit), formatNumber(lo, r.columns[y]?.unit)],
      textGap: 8,
      textStyle: { color: t.muted, fontSize: 11 },
      inRange: { color: ['#eef3ff', '#9db4f0', '#3b6fd4', '#1e3a8a'] },
    },
    series: [{ type: 'heatmap', data, emphasis: { itemStyle: { borderColor: t.text, borderWidth: 1 } } }],
  };
}

function graph(r: RunResult, a: VisualAxes, t: Theme) {
  const y = a.ys[0]!;
  const target = a.series >= 0 ? a.series : a.x;
  const nodes = new Map<string, number>();
  const links = r.rows.map((row, i) => {
    const s = String(row[a.x] ?? '–');
    const d = String(row[target] ?? '–');
    const v = num(row[y] ?? null) ?? 0;
    nodes.set(s, (nodes.get(s) ?? 0) + v);
    nodes.set(d, (nodes.get(d) ?? 0) + v);
    return { source: s, target: d, value: v, row: i };
  });
  const max = Math.max(1, ...links.map((l) => l.value));
  return {
    tooltip: { trigger: 'item' },
    series: [
      {
        type: 'graph',
        layout: 'circular',
        roam: true,
        label: { show: true, position: 'right', color: t.text, fontSize: 12 },
        edgeSymbol: ['none', 'arrow'],
        edgeSymbolSize: 8,
        lineStyle: { color: t.muted, opacity: 0.7, curveness: 0.15 },
        data: [...nodes.keys()].map((name, i) => ({
          name,
          symbolSize: 18,
          itemStyle: { color: colorFor(name, i, true) },
        })),
        links: links.map((l) => ({ ...l, lineStyle: { width: 1 + (4 * l.value) / max } })),
      },
    ],
  };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
