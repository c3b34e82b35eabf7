// The Reports page: every report (built-in, from the configuration, made by users) as a card with its
// title, description, dataset, visual and origin; a search over them (kept in the URL as `q`), and
// the way to a new report.
import { useEffect, useRef, useState } from 'react';
import { can, useMe } from '../access/session.tsx';
import { apiUrl } from '../lib/api.ts';
import { linkHandler, navigate } from '../lib/router.ts';
import { useApi } from '../lib/useApi.ts';
import { Button } from '../ui/Button.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { LoadState } from '../ui/LoadState.tsx';
import { PageHeader } from '../ui/PageHeader.tsx';
import { TableSkeleton } from '../ui/TableSkeleton.tsx';
import { Tag } from '../ui/Tag.tsx';
import { TextInput } from '../ui/TextInput.tsx';
import type { ReportListResponse, ReportSummary, VisualType } from './reportTypes.ts';
import { SourceBadge } from './SourceBadge.tsx';
import './ReportsPage.css';

const SEARCH_DELAY_MS = 250;

const VISUAL_LABEL: Record<VisualType, string> = {
  table: 'Table',
  timeseries: 'Time series',
  bar: 'Bar chart',
  pie: 'Pie chart',
  heatmap: 'Heatmap',
  stat: 'Single stat',
  graph: 'Graph',
};

export function ReportsPage({ search }: { search: string }) {
  const q = new URLSearchParams(search).get('q') ?? '';
  const list = useApi<ReportListResponse>(apiUrl('reports', { q: q || undefined }));
  const mayEdit = can(useMe(), 'edit_reports');
  return (
    <div className="page reports-page">
      <PageHeader
        title="Reports"
        subtitle="Declared reports: pick one to filter, chart, drill into and export its rows."
        actions={
          mayEdit ? (
            <Button variant="primary" onClick={() => navigate('/reports/new')}>
              New report
            </Button>
          ) : undefined
        }
      />
      <SearchBox q={q} />
      <LoadState
        data={list.data}
        error={list.error}
        onRetry={list.retry}
        errorTitle="The reports could not be loaded"
        loading={<TableSkeleton rows={4} label="Loading reports" widths={['20%', '40%', '10%']} />}
        isEmpty={(d) => d.reports.length === 0}
        empty={() => (
          <EmptyState icon="reports" title={q ? `No report matches “${q}”` : 'No reports yet'}>
            {q
              ? 'Try another word, or clear the search.'
              : 'Create one with “New report”, or declare one under reports: in the configuration.'}
          </EmptyState>
        )}
      >
        {(d) => (
          <ul className="reports-grid" data-testid="reports-list" aria-busy={list.loading}>
            {d.reports.map((r) => (
              <ReportCard key={r.id} report={r} />
            ))}
          </ul>
        )}
      </LoadState>
    </div>
  );
}

function SearchBox({ q }: { q: string }) {
  const [text, setText] = useState(q);
  const [last, setLast] = useState(q);
  if (q !== last) {
    setLast(q);
    setText(q);
  }
  const current = useRef(q);
  current.current = q;
  useEffect(() => {
    if (text.trim() === current.current) return;
    const t = setTimeout(() => {
      const next = text.trim();
      navigate(next ? `/reports?q=${encodeURIComponent(next)}` : '/reports', { replace: true });
    }, SEARCH_DELAY_MS);
    return () => clearTimeout(t);
  }, [text]);
  return (
    <div className="reports-search">
      <TextInput
        icon="search"
        label="Search reports"
        placeholder="Search title, description, dataset, tags…"
        value={text}
        onChange={setText}
        data-testid="reports-search"
      />
    </div>
  );
}

function ReportCard({ report }: { report: ReportSummary }) {
  const href = `/reports/${encodeURIComponent(report.id)}`;
  return (
    <li className="report-card" data-testid="report-card" data-id={report.id}>
      <a className="report-card__link" href={href} onClick={linkHandler(href)}>
        <div className="report-card__head">
          <span className="report-card__title">{report.title}</span>
          <SourceBadge source={report.source} />
        </div>
        <p className="report-card__desc">{report.description}</p>
        <div className="report-card__meta">
          <Tag name="dataset">{report.dataset}</Tag>
          <Tag tone="muted" mono={false}>
            {VISUAL_LABEL[report.visual] ?? report.visual}
          </Tag>
          {report.tags.map((t) => (
            <Tag key={t} tone="brand" mono={false}>
              {t}
            </Tag>
          ))}
        </div>
      </a>
    </li>
  );
}
