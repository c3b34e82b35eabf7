// The result of a run: the visual (a chart of the first rows, or headline numbers for a single stat)
// in one card and the table of the same rows, a page at a time, below it. A table-only report shows
// just the table. A click on a row or a chart item hands its cells to `onRow` (drill-down).
import { useMemo } from 'react';
import { Card } from '../ui/Card.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { Stat } from '../ui/Stat.tsx';
import { formatCell } from './formatCell.ts';
import { ReportChart } from './ReportChart.tsx';
import { ReportTable } from './ReportTable.tsx';
import type { ReportQuery } from './reportQuery.ts';
import type { Cell, RunResult, VisualSpec } from './reportTypes.ts';
import './ReportResult.css';
import { visualAxes } from './visualAxes.ts';

export interface ReportResultProps {
  visual: VisualSpec;
  /** The table's page. */
  result: RunResult;
  /** The chart's rows (the table's page when absent). */
  chart?: RunResult;
  query: ReportQuery;
  pageSize: number;
  switching: boolean;
  /** The last run failed and this is the answer before it. */
  stale: boolean;
  onSort: (column: string, dir: 'asc' | 'desc') => void;
  onPage: (page: number) => void;
  onRow?: (cells: Cell[]) => void;
  /** The time window of the filters (ms), for a time axis. */
  span?: { from: number; to: number };
}

export function ReportResult({
  visual,
  result,
  chart: chartResult,
  query,
  pageSize,
  switching,
  stale,
  onSort,
  onPage,
  onRow,
  span,
}: ReportResultProps) {
  const axes = useMemo(() => visualAxes(visual, result.columns), [visual, result.columns]);
  const empty = result.rows.length === 0;
  const drawn = chartResult ?? result;
  const chart = visual.type !== 'table' && visual.type !== 'stat' && axes && drawn.rows.length > 0;
  const fromTable = onRow ? (i: number) => result.rows[i] && onRow(result.rows[i]) : undefined;
  const fromChart = onRow ? (i: number) => drawn.rows[i] && onRow(drawn.rows[i]) : undefined;
  return (
    <div
      className={stale ? 'report-result is-stale' : 'report-result'}
      data-testid="report-result"
      data-total={result.total}
      data-generated={result.generatedAt}
    >
      {visual.type === 'stat' && axes && !empty && (
        <div className="report-stats" data-testid="report-stat">
          {axes.ys.map((y) => (
            <Stat
              key={y}
              label={result.columns[y]?.label ?? ''}
              value={formatCell(result.rows[0]?.[y] ?? null, result.columns[y])}
              hint={result.rows.length > 1 ? `first of ${result.rows.length} rows` : undefined}
            />
          ))}
        </div>
      )}
      {chart && (
        <Card className="report-chart-card">
          <ReportChart type={visual.type} result={drawn} axes={axes} onRow={fromChart} span={span} />
          {drawn.rows.length < drawn.total && (
            <p className="report-chart__note">
              The chart shows the first {drawn.rows.length.toLocaleString()} of {drawn.total.toLocaleString()}{' '}
              rows.
            </p>
          )}
        </Card>
      )}
      <Card flush title="Rows" subtitle={empty ? undefined : 'Click a header to sort.'}>
        {empty ? (
          <EmptyState icon="inbox" title="No rows" compact>
            Nothing matches these filters. Widen the time range or clear a filter.
          </EmptyState>
        ) : (
          <ReportTable
            result={result}
            page={query.page}
            pageSize={pageSize}
            sort={query.sort}
            dir={query.dir}
            switching={switching}
            onSort={onSort}
            onPage={onPage}
            onRow={fromTable}
          />
        )}
      </Card>
    </div>
  );
}
