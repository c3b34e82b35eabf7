// The open row of a dead-letter table: the full reason, the raw text with the offending part marked,
// where it came from, and the ways on: the pipeline's page, or its try-out box holding this text.
import type { DeadLettersResponse } from '../../../src/api/types.ts';
import { formatTime } from '../lib/format.ts';
import { navigate } from '../lib/router.ts';
import { pipelineHref } from '../pipelines/pipelineHref.ts';
import { offerTryText } from '../pipelines/tryText.ts';
import { Button } from '../ui/Button.tsx';
import { DetailItem, DetailList } from '../ui/DetailList.tsx';
import { Icon } from '../ui/Icon.tsx';
import { RawLine } from './RawLine.tsx';
import './DeadLetterDetail.css';

export type DeadLetterRow = DeadLettersResponse['rows'][number];

export function DeadLetterDetail({
  row,
  showOpenPipeline,
}: {
  row: DeadLetterRow;
  showOpenPipeline: boolean;
}) {
  const tryIt = () => {
    offerTryText(row.pipeline, row.raw);
    // On the pipeline's own page the box is already there: stay, keeping the open row.
    if (window.location.pathname !== pipelineHref(row.pipeline)) navigate(pipelineHref(row.pipeline));
  };
  return (
    <div className="dl-detail" data-testid="dead-letter-detail">
      <p className="dl-detail__reason">
        <Icon name="alert" size={16} />
        <span>{row.reason}</span>
      </p>
      <div className="dl-detail__grid">
        <section>
          <h3 className="dl-detail__heading">Raw input</h3>
          <RawLine raw={row.raw} reason={row.reason} />
        </section>
        <section>
          <h3 className="dl-detail__heading">Lineage</h3>
          <DetailList labelWidth={90}>
            <DetailItem label="Pipeline" value={row.pipeline} />
            <DetailItem label="Stage" value={row.stage} />
            <DetailItem label="Source" value={row.source} />
            <DetailItem label="File" value={row.file} />
            <DetailItem label="Offset" value={String(row.offset)} />
            <DetailItem label="Received" value={formatTime(row.receivedAt, true)} />
            <DetailItem label="Id" value={row.id} />
          </DetailList>
        </section>
      </div>
      <div className="dl-detail__actions">
        <Button size="sm" variant="secondary" icon="play" onClick={tryIt}>
          Try this line
        </Button>
        {showOpenPipeline && (
          <Button
            size="sm"
            variant="ghost"
            icon="arrowRight"
            onClick={() => navigate(pipelineHref(row.pipeline))}
          >
            Open pipeline {row.pipeline}
          </Button>
        )}
      </div>
    </div>
  );
}
