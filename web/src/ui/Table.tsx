// Table: fixed column widths (so live refreshes never make columns jump), optional expandable rows
// that open a detail panel below the row; keyboard: Enter/Space toggles a focused row.
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
}: TableProps<T>) {
  const expandable = Boolean(onToggle && renderExpanded);
  const onKey = (key: string) => (e: KeyboardEvent) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onToggle?.(key);
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
            const classes = [
              expandable ? 'is-clickable' : '',
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
                  tabIndex={expandable ? 0 : undefined}
                  aria-expanded={expandable ? open : undefined}
                  onClick={expandable ? () => onToggle?.(key) : undefined}
                  onKeyDown={expandable ? onKey(key) : undefined}
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
