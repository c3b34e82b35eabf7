// PagedTable: a Table with "first–last of total" and the pager below it; dimmed while the next page or
// filter loads (`switching`), so the old rows stay readable but clearly on their way out.
import { formatCount } from '../lib/format.ts';
import { Pager } from './Pager.tsx';
import { Table, type TableProps } from './Table.tsx';
import './PagedTable.css';

export interface Paging {
  /** Rows before this page. */
  offset: number;
  total: number;
  page: number;
  pageCount: number;
  onPage: (page: number) => void;
}

export interface PagedTableProps<T> extends TableProps<T> {
  paging: Paging;
  switching: boolean;
  /** Extra class on the wrapper, for the card's own cell styles. */
  className?: string;
  testId: string;
}

export function PagedTable<T>({ paging, switching, className, testId, ...table }: PagedTableProps<T>) {
  const { offset, total, page, pageCount, onPage } = paging;
  return (
    <div className={`paged-table ${className ?? ''}${switching ? ' is-switching' : ''}`} data-testid={testId}>
      <Table {...table} />
      <footer className="paged-table__footer">
        <span className="paged-table__range">
          {formatCount(offset + 1)}–{formatCount(offset + table.rows.length)} of {formatCount(total)}
        </span>
        <Pager page={page} pageCount={pageCount} onChange={onPage} />
      </footer>
    </div>
  );
}
