// Pager: previous / next with "page X of Y".
import { Button } from './Button.tsx';
import './Pager.css';

export interface PagerProps {
  page: number;
  pageCount: number;
  onChange: (page: number) => void;
}

export function Pager({ page, pageCount, onChange }: PagerProps) {
  return (
    <nav className="pager" aria-label="Pages">
      <Button
        size="sm"
        variant="secondary"
        icon="chevronLeft"
        aria-label="Previous page"
        disabled={page <= 1}
        onClick={() => onChange(page - 1)}
      />
      <span className="pager__label">
        Page <b>{page}</b> of {Math.max(1, pageCount)}
      </span>
      <Button
        size="sm"
        variant="secondary"
        icon="chevronRight"
        aria-label="Next page"
        disabled={page >= pageCount}
        onClick={() => onChange(page + 1)}
      />
    </nav>
  );
}
