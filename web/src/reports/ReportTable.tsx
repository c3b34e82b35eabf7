// The result table of a report: one column per result column (numbers right-aligned), headers that
// sort (the sort lives in the URL and runs in the engine, over every row, not just this page), paging,
// and rows that drill down when the report declares a target.
import type { CSSProperties } from 'react';
import { formatCount } from '../lib/format.ts';
import { PagedTable } from '../ui/PagedTable.tsx';
import type { Column } from '../ui/Table.tsx';
import { formatCell, headerUnit } from './formatCell.ts';
import type { Cell, RunResult } from './reportTypes.ts';

export interface ReportTableProps {
  result: RunResult;
  page: number;
  pageSize: number;
  sort?: string;
  dir: 'asc' | 'desc';
  switching: boolean;
  onSort: (column: string, dir: 'asc' | 'desc') => void;
  onPage: (page: number) => void;
  onRow?: (row: number) => void;
}

const NUMBER_WIDTH = 130;
const TIME_WIDTH = 170;
const TEXT_MIN_WIDTH = 180;

interface Row {
  index: number;
  cells: Cell[];
}

export function ReportTable({
  result,
  page,
  pageSize,
  sort,
  dir,
  switching,
  onSort,
  onPage,
  onRow,
}: ReportTableProps) {
  const columns: Column<Row>[] = result.columns.map((c, i) => {
    const active = sort === c.name;
    const next = active && dir === 'desc' ? 'asc' : 'desc';
    return {
      key: c.name,
      align: c.type === 'number' ? 'right' : 'left',
      // Numbers and times have a known width; text columns share the rest.
      width: c.type === 'number' ? `${NUMBER_WIDTH}px` : c.type === 'time' ? `${TIME_WIDTH}px` : undefined,
      header: (
        <button
          type="button"
          className={active ? 'report-sort is-active' : 'report-sort'}
          aria-label={`Sort by ${c.label}, ${next === 'asc' ? 'ascending' : 'descending'}`}
          data-testid={`sort-${c.name}`}
          data-dir={active ? dir : undefined}
          onClick={() => onSort(c.name, next)}
        >
          {c.label}
          {headerUnit(c) ? <span className="report-sort__unit"> ({headerUnit(c)})</span> : null}
          <span className="report-sort__arrow" aria-hidden="true">
            {active ? (dir === 'asc' ? '▲' : '▼') : '↕'}
          </span>
        </button>
      ),
      className: c.type === 'string' ? 'report-cell--text' : 'report-cell--num',
      render: (r: Row) => (
        <span data-col={c.name} data-value={String(r.cells[i] ?? '')}>
          {formatCell(r.cells[i] ?? null, c)}
        </span>
      ),
    };
  });
  const rows: Row[] = result.rows.map((cells, index) => ({ index, cells }));
  const offset = (page - 1) * pageSize;
  // Narrow boxes scroll sideways rather than squeeze the text columns to nothing.
  const minWidth = result.columns.reduce(
    (w, c) => w + (c.type === 'number' ? NUMBER_WIDTH : c.type === 'time' ? TIME_WIDTH : TEXT_MIN_WIDTH),
    0,
  );
  return (
    <div className="report-table-wrap" style={{ '--report-table-min': `${minWidth}px` } as CSSProperties}>
      <PagedTable
        testId="report-table"
        className="report-table"
        label="Report result"
        columns={columns}
        rows={rows}
        rowKey={(r) => String(offset + r.index)}
        onRowClick={onRow ? (r) => onRow(r.index) : undefined}
        switching={switching}
        paging={{
          offset,
          total: result.total,
          page,
          pageCount: Math.max(1, Math.ceil(result.total / pageSize)),
          onPage,
        }}
      />
      {result.truncated && (
        <p className="report-table__truncated">
          The result was cut at the report's row limit; {formatCount(result.total)} rows are counted. Narrow
          the filters to see the rest.
        </p>
      )}
    </div>
  );
}
