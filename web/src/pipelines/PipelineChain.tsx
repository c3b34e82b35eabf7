// The steps of a pipeline as small chips in order: framing, then its parsers, then its transforms.
import { Fragment } from 'react';
import type { PipelineInfo } from '../../../src/api/types.ts';
import { Icon } from '../ui/Icon.tsx';
import { Tag } from '../ui/Tag.tsx';
import './PipelineChain.css';

export function PipelineChain({ pipeline, wrap = false }: { pipeline: PipelineInfo; wrap?: boolean }) {
  const steps = [
    {
      key: 'framing',
      label: pipeline.framing,
      title: `Framing: ${pipeline.framing}`,
      tone: 'muted' as const,
    },
    ...pipeline.parsers.map((p, i) => ({
      key: `p${i}`,
      label: p,
      title: `Parser ${i + 1} of ${pipeline.parsers.length}: ${p}`,
      tone: 'neutral' as const,
    })),
    ...pipeline.transforms.map((t, i) => ({
      key: `t${i}`,
      label: t,
      title: `Transform ${i + 1} of ${pipeline.transforms.length}: ${t}`,
      tone: 'brand' as const,
    })),
  ];
  return (
    <span
      className={wrap ? 'chain chain--wrap' : 'chain'}
      data-testid="pipeline-chain"
      title={steps.map((s) => s.label).join(' → ')}
    >
      {steps.map((s, i) => (
        <Fragment key={s.key}>
          {i > 0 && <Icon name="chevronRight" size={12} className="chain__arrow" />}
          <Tag tone={s.tone} title={s.title}>
            {s.label}
          </Tag>
        </Fragment>
      ))}
    </span>
  );
}
