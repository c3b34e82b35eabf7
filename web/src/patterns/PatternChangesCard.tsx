// Detected changes: templates never seen before on a source, and templates whose rate jumped or
// fell against the windows before. A row opens the pattern below its source.
import type { PatternChange, PatternChangesResponse } from '../../../src/api/types.ts';
import { formatCount, formatTime } from '../lib/format.ts';
import type { ApiState } from '../lib/useApi.ts';
import { Badge } from '../ui/Badge.tsx';
import { Card } from '../ui/Card.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { LoadState } from '../ui/LoadState.tsx';
import { Table } from '../ui/Table.tsx';
import { TableSkeleton } from '../ui/TableSkeleton.tsx';
import { Template } from './Template.tsx';

const KIND: Record<PatternChange['kind'], { label: string; tone: 'brand' | 'warn' | 'neutral' }> = {
  new: { label: 'New', tone: 'brand' },
  rate_up: { label: 'Rate up', tone: 'warn' },
  rate_down: { label: 'Rate down', tone: 'neutral' },
};

function what(c: PatternChange): string {
  if (c.kind === 'new') return `first seen on ${c.component ?? c.pipeline}`;
  return `${formatCount(c.recent)} in 5 min, usually ${formatCount(Math.round(c.baseline))}`;
}

export function PatternChangesCard({
  state,
  onOpen,
}: {
  state: ApiState<PatternChangesResponse>;
  onOpen: (c: PatternChange) => void;
}) {
  return (
    <Card title="Changes" subtitle="New message types and rate changes in the range" flush>
      <LoadState
        data={state.data}
        error={state.error}
        onRetry={state.retry}
        errorTitle="The changes could not be loaded"
        loading={<TableSkeleton rows={3} />}
        isEmpty={(d) => d.changes.length === 0}
        empty={() => (
          <EmptyState icon="search" title="No changes" compact>
            A message type never seen before, or a rate that jumps or collapses, shows up here.
          </EmptyState>
        )}
      >
        {(d) => (
          <Table
            label="Pattern changes"
            rows={d.changes.slice(0, 12)}
            rowKey={(c) => `${c.kind}/${c.pipeline}/${c.id}/${c.at}`}
            onRowClick={onOpen}
            columns={[
              {
                key: 'kind',
                header: 'Change',
                width: '110px',
                render: (c) => <Badge tone={KIND[c.kind].tone}>{KIND[c.kind].label}</Badge>,
              },
              { key: 'at', header: 'At', width: '120px', render: (c) => formatTime(c.at, false, false) },
              { key: 'source', header: 'Source', width: '140px', render: (c) => c.pipeline },
              { key: 'template', header: 'Template', render: (c) => <Template text={c.template} /> },
              { key: 'what', header: 'What', width: '260px', render: what },
            ]}
          />
        )}
      </LoadState>
    </Card>
  );
}
