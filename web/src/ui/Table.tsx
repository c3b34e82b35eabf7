// Table: fixed column widths (so live refreshes never make columns jump), optional expandable rows
// that open a detail panel below the row, or rows that act as links (onRowClick); keyboard: Enter/Space
// toggles or follows a focused row.
import { Fragment, type KeyboardEvent, type ReactNode } from 'react';
import './Table.css';

export interface Column<T> {
  key: string;
  header: ReactNode;
  render: (row: T) => ReactNode;
  /** CSS width, e.g. '120px' or '12%'; the column without a width takes the rest. */
  width?: string;
  align?: 'left' | 'right';
  className?: string;
}

export interface TableProps<T> {
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  label: string;
  expandedKey?: string | null;
  onToggle?: (key: string) => void;
  renderExpanded?: (row: T) => ReactNode;
  rowClassName?: (row: T) => string | undefined;
  /** The whole row acts as a link (e.g. to a detail page); used when rows do not expand. */
  onRowClick?: (row: T) => void;
}

export function Table<T>({
  columns,
  rows,
  rowKey,
  label,
  expandedKey,
  onToggle,
  renderExpanded,
  rowClassName,
  onRowClick,
}: TableProps<T>) {
  const expandable = Boolean(onToggle && renderExpanded);
  const linked = !expandable && onRowClick !== undefined;
  const activate = (row: T, key: string) => (expandable ? onToggle?.(key) : onRowClick?.(row));
  const onKey = (row: T, key: string) => (e: KeyboardEvent) => {
    // Keys pressed inside the row's own controls (links, buttons) are theirs.
    if (e.target !== e.currentTarget) return;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      activate(row, key);
    }
  };
  return (
    <div className="table-scroll">
      <table className="table" aria-label={label}>
        <colgroup>
          {columns.map((c) => (
            <col key={c.key} style={c.width ? { width: c.width } : undefined} />
          ))}
        </colgroup>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" className={c.align === 'right' ? 'is-right' : undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const key = rowKey(row);
            const open = expandable && expandedKey === key;
            const interactive = expandable || linked;
            const classes = [
              interactive ? 'is-clickable' : '',
              open ? 'is-open' : '',
              rowClassName?.(row) ?? '',
            ]
              .filter(Boolean)
              .join(' ');
            return (
              <Fragment key={key}>
                <tr
                  className={classes || undefined}
                  data-key={key}
                  tabIndex={interactive ? 0 : undefined}
                  aria-expanded={expandable ? open : undefined}
                  onClick={interactive ? () => activate(row, key) : undefined}
                  onKeyDown={interactive ? onKey(row, key) : undefined}
                >
                  {columns.map((c) => (
                    <td
                      key={c.key}
                      className={
                        [c.className, c.align === 'right' ? 'is-right' : ''].filter(Boolean).join(' ') ||
                        undefined
                      }
                    >
                      {c.render(row)}
                    </td>
                  ))}
                </tr>
                {open && renderExpanded && (
                  <tr className="table__detail">
                    <td colSpan={columns.length}>{renderExpanded(row)}</td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
