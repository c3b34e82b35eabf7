// DetailList: label / value pairs (a <dl>) with the labels in a fixed-width column and the values in
// monospace, breaking anywhere (ids, paths); DetailItem is one pair.
import type { CSSProperties, ReactNode } from 'react';
import './DetailList.css';

export function DetailList({ labelWidth, children }: { labelWidth: number; children: ReactNode }) {
  return (
    <dl className="detail-list" style={{ '--detail-label-width': `${labelWidth}px` } as CSSProperties}>
      {children}
    </dl>
  );
}

export function DetailItem({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd className="mono">{value}</dd>
    </div>
  );
}
