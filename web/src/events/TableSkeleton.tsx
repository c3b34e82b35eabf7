// Placeholder rows shown while the first page of events loads: the shape of the table, no content.
import './TableSkeleton.css';

export function TableSkeleton({ rows }: { rows: number }) {
  return (
    <div className="table-skeleton" role="status" aria-label="Loading events">
      {Array.from({ length: rows }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: static placeholder rows
        <div key={i} className="table-skeleton__row" style={{ opacity: 1 - i * 0.1 }}>
          <span style={{ width: '9%' }} />
          <span style={{ width: '10%' }} />
          <span style={{ width: '11%' }} />
          <span style={{ width: '6%' }} />
          <span style={{ width: '13%' }} />
          <span style={{ flex: 1 }} />
        </div>
      ))}
    </div>
  );
}
