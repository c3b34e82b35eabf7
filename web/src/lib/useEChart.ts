// An ECharts instance on a div for the life of a component: created on mount (canvas renderer), resized
// with its box, disposed on unmount. `setup` runs once after creation (e.g. to add a click handler);
// the chart modules register their chart types with `use` themselves, so ECharts stays in their chunk.
import { type ECharts, init } from 'echarts/core';
import { useEffect, useRef } from 'react';

export function useEChart(setup?: (chart: ECharts) => void) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  const firstSetup = useRef(setup).current;

  useEffect(() => {
    if (!el.current) return;
    const c = init(el.current, undefined, { renderer: 'canvas' });
    chart.current = c;
    firstSetup?.(c);
    const resize = new ResizeObserver(() => c.resize());
    resize.observe(el.current);
    return () => {
      resize.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, [firstSetup]);

  return { el, chart };
}
