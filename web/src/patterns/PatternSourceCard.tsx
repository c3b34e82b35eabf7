// One source's top templates in the range: count, a sparkline of the count per bucket, last seen;
// a row opens its examples.
import type { PatternSource, PatternSummary } from '../../../src/api/types.ts';
import { formatCount, formatTime } from '../lib/format.ts';
import { Card } from '../ui/Card.tsx';
import { Sparkline } from '../ui/Sparkline.tsx';
import { Table } from '../ui/Table.tsx';
import { Tag } from '../ui/Tag.tsx';
import { PatternExamples } from './PatternExamples.tsx';
import { openKey } from './patternsQuery.ts';
import { Template } from './Template.tsx';

export function PatternSourceCard({
  source,
  open,
  onToggle,
}: {
  source: PatternSource;
  open: string;
  onToggle: (key: string) => void;
}) {
  const subtitle = `${formatCount(source.templates)} templates · ${formatCount(source.messages)} messages${
    source.overflow ? ` · ${formatCount(source.overflow)} over the template cap` : ''
  }`;
  return (
    <Card
      title={
        <span className="patterns__source">
          {source.pipeline}
          {source.subsystem !== source.pipeline && <Tag tone="muted">{source.subsystem}</Tag>}
        </span>
      }
      subtitle={subtitle}
      flush
    >
      <div data-testid={`pattern-source-${source.pipeline}`}>
        <Table<PatternSummary>
          label={`Patterns of ${source.pipeline}`}
          rows={source.patterns}
          rowKey={(p) => openKey(source.pipeline, p.id)}
          expandedKey={open}
          onToggle={onToggle}
          renderExpanded={(p) => <PatternExamples pipeline={source.pipeline} id={p.id} />}
          columns={[
            { key: 'template', header: 'Template', render: (p) => <Template text={p.template} /> },
            {
              key: 'count',
              header: 'Messages',
              width: '110px',
              align: 'right',
              render: (p) => formatCount(p.count),
            },
            {
              key: 'trend',
              header: 'Over the range',
              width: '140px',
              render: (p) => (
                <Sparkline values={p.series} width={112} height={24} label={`${p.count} messages`} />
              ),
            },
            {
              key: 'last',
              header: 'Last seen',
              width: '120px',
              render: (p) => formatTime(p.lastSeen, false, false),
            },
          ]}
        />
      </div>
    </Card>
  );
}
