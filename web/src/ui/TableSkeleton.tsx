// Placeholder rows shown while a table's first page loads: the shape of the table, no content.
import './TableSkeleton.css';

export interface TableSkeletonProps {
  rows: number;
  label?: string;
  /** Relative widths of the placeholder cells; the last one takes the rest. */
  widths?: string[];
}

const DEFAULT_WIDTHS = ['9%', '10%', '11%', '6%', '13%'];

export function TableSkeleton({ rows, label = 'Loading', widths = DEFAULT_WIDTHS }: TableSkeletonProps) {
  return (
    <div className="table-skeleton" role="status" aria-label={label}>
      {Array.from({ length: rows }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: static placeholder rows
        <div key={i} className="table-skeleton__row" style={{ opacity: 1 - i * 0.1 }}>
          {widths.map((w, j) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: static placeholder cells
            <span key={j} style={{ width: w }} />
          ))}
          <span style={{ flex: 1 }} />
        </div>
      ))}
    </div>
  );
}
