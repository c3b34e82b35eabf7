// The components of a subsystem: current health (at the window's end) with its reason and marks
// (suppressed under a failed dependency, flapping), and availability over the window with the time
// without data shown apart (it does not count against availability).
import type { AvailabilityResponse, HealthEntityState } from '../../../src/api/types.ts';
import { formatDuration, formatTime } from '../lib/format.ts';
import { Card } from '../ui/Card.tsx';
import { type Column, Table } from '../ui/Table.tsx';
import { Tag } from '../ui/Tag.tsx';
import { HealthBadge } from './HealthBadge.tsx';

type AvailabilityRow = AvailabilityResponse['rows'][number];

export interface ComponentRow {
  name: string;
  state?: HealthEntityState;
  availability?: AvailabilityRow;
}

export function availabilityText(a: AvailabilityRow | undefined): string {
  return a?.availability === undefined ? '–' : `${a.availability.toFixed(a.availability >= 99.95 ? 0 : 2)} %`;
}

export function noDataText(a: AvailabilityRow | undefined, windowSeconds: number): string {
  const s = (a?.durationsMs.unknown ?? windowSeconds * 1000) / 1000;
  return s < 1 ? 'none' : formatDuration(s);
}

export function HealthMarks({ state }: { state?: HealthEntityState }) {
  if (!state) return null;
  return (
    <>
      {state.suppressedBy && (
        <Tag
          tone="muted"
          mono={false}
          title={`A problem while ${state.suppressedBy}, which this one needs, was failed`}
        >
          suppressed: {state.suppressedBy}
        </Tag>
      )}
      {state.flapping && (
        <Tag tone="danger" mono={false} title="Changed state often within the flapping window">
          flapping
        </Tag>
      )}
    </>
  );
}

export function ComponentsCard({
  rows,
  windowSeconds,
  withDate,
}: {
  rows: ComponentRow[];
  windowSeconds: number;
  withDate: boolean;
}) {
  const columns: Column<ComponentRow>[] = [
    { key: 'name', header: 'Component', width: '16%', render: (r) => <code>{r.name}</code> },
    {
      key: 'state',
      header: 'Health',
      width: '14%',
      render: (r) => <HealthBadge state={r.state?.state ?? 'unknown'} />,
    },
    {
      key: 'since',
      header: 'Since',
      width: '15%',
      render: (r) => (r.state?.from ? formatTime(r.state.from, withDate, false) : '–'),
    },
    {
      key: 'reason',
      header: 'Reason',
      render: (r) => (
        <span className="subsystem-reason">
          <span>{r.state?.reason ?? '–'}</span> <HealthMarks state={r.state} />
        </span>
      ),
    },
    {
      key: 'availability',
      header: 'Availability',
      width: '12%',
      align: 'right',
      render: (r) => availabilityText(r.availability),
    },
    {
      key: 'nodata',
      header: 'No data',
      width: '10%',
      align: 'right',
      render: (r) => noDataText(r.availability, windowSeconds),
    },
  ];
  return (
    <Card
      flush
      title="Components"
      subtitle="Health at the end of the window; availability = ok time ÷ time with data"
    >
      <div data-testid="subsystem-components">
        <Table label="Components" columns={columns} rows={rows} rowKey={(r) => r.name} />
      </div>
    </Card>
  );
}
