// The fields of one event type: name (with where it lives: event column, correlation key or
// attribute), inferred type, fill rate, distinct values, example values and when last seen.
import type { CatalogField } from '../../../src/api/types.ts';
import { formatTime } from '../lib/format.ts';
import { Badge } from '../ui/Badge.tsx';
import { type Column, Table } from '../ui/Table.tsx';
import { Tag } from '../ui/Tag.tsx';
import { formatDistinct, formatFill } from './catalogFormat.ts';
import './FieldsTable.css';

const SOURCE_LABEL = { column: 'column', keys: 'key', attrs: 'attr' } as const;

const COLUMNS: Column<CatalogField>[] = [
  {
    key: 'field',
    header: 'Field',
    width: '24%',
    render: (f) => (
      <span className="cat-field">
        <code className="cat-field__name">{f.field.replace(/^(keys|attrs)\./, '')}</code>
        <span className={`cat-field__source cat-field__source--${f.source}`}>{SOURCE_LABEL[f.source]}</span>
        {f.vanished && (
          <Badge tone="danger" title="Absent from the latest events of this type">
            vanished
          </Badge>
        )}
      </span>
    ),
  },
  {
    key: 'type',
    header: 'Type',
    width: '96px',
    render: (f) => (
      <span className={`cat-type cat-type--${f.type}`} title={classesTitle(f)}>
        {f.type}
      </span>
    ),
  },
  {
    key: 'fill',
    header: 'Fill',
    width: '124px',
    render: (f) => (
      <span className="cat-fill" title={`${f.present} events with a value`}>
        <span className="cat-fill__bar">
          <span style={{ width: `${Math.round(f.fill * 100)}%` }} />
        </span>
        {formatFill(f.fill)}
      </span>
    ),
  },
  {
    key: 'distinct',
    header: 'Distinct',
    width: '84px',
    align: 'right',
    render: (f) => (
      <span title={f.cardinalityExact ? 'exact' : 'estimate (k minimum values sketch)'}>
        {formatDistinct(f.cardinality, f.cardinalityExact)}
      </span>
    ),
  },
  {
    key: 'examples',
    header: 'Examples',
    render: (f) => (
      <span className="cat-examples">
        {f.examples.slice(0, f.type === 'text' ? 2 : 4).map((x) => (
          <Tag key={x} title={x}>
            {x.length > 36 ? `${x.slice(0, 35)}…` : x}
          </Tag>
        ))}
      </span>
    ),
  },
  {
    key: 'last',
    header: 'Last seen',
    width: '104px',
    render: (f) =>
      f.lastSeen ? <span title={f.lastSeen}>{formatTime(f.lastSeen, false, false)}</span> : '–',
  },
];

function classesTitle(f: CatalogField): string {
  const parts = Object.entries(f.classes).map(([c, n]) => `${c}: ${n}`);
  return `${parts.join(', ')}${f.numeric ? ' (written as numbers)' : ''}`;
}

export function FieldsTable({ fields, label }: { fields: CatalogField[]; label: string }) {
  return <Table columns={COLUMNS} rows={fields} rowKey={(f) => f.field} label={label} />;
}
