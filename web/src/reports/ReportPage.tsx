// The generic report page: everything is generated from the report's definition: the filter bar,
// the visual, the table below it, drill-down, export and share. All state (filters, sort, page) lives
// in the URL, so a link reproduces the view and back/forward step through changes. A report with
// `refreshSeconds` reloads on that period.
import { useMemo } from 'react';
import { can, useMe } from '../access/session.tsx';
import { navigate } from '../lib/router.ts';
import { useApi } from '../lib/useApi.ts';
import { useInterval } from '../lib/useInterval.ts';
import { Badge } from '../ui/Badge.tsx';
import { Button } from '../ui/Button.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { LoadError } from '../ui/LoadError.tsx';
import { PageHeader } from '../ui/PageHeader.tsx';
import { Spinner } from '../ui/Spinner.tsx';
import { drillHref } from './drilldown.ts';
import { FilterBar } from './FilterBar.tsx';
import { placeErrors } from './filterErrors.ts';
import { ReportResult } from './ReportResult.tsx';
import {
  chartUrl,
  exportUrl,
  parseReportQuery,
  type ReportQuery,
  reportShape,
  runUrl,
  toReportSearch,
  valuesUrl,
} from './reportQuery.ts';
import type { Cell, ReportDetail, RunResult } from './reportTypes.ts';
import { SavedViews } from './SavedViews.tsx';
import { ShareButton } from './ShareButton.tsx';
import { SourceBadge } from './SourceBadge.tsx';
import { resolveRange } from './timeRangeValue.ts';
import './ReportPage.css';

export function ReportPage({ id, search }: { id: string; search: string }) {
  const detail = useApi<ReportDetail>(`/api/reports/${encodeURIComponent(id)}`);
  if (!detail.data)
    return (
      <div className="page report-page">
        <PageHeader title={id} back={{ href: '/reports', label: 'Reports' }} />
        {detail.error ? (
          <LoadError title="The report could not be loaded" error={detail.error} onRetry={detail.retry} />
        ) : (
          <div className="report-page__loading">
            <Spinner size="lg" label="Loading the report" />
          </div>
        )}
      </div>
    );
  return <LoadedReport report={detail.data} search={search} />;
}

function LoadedReport({ report, search }: { report: ReportDetail; search: string }) {
  const filters = report.filters;
  const shape = useMemo(() => reportShape(report), [report]);
  const query = useMemo(() => parseReportQuery(search, shape), [search, shape]);
  const live = (report.refreshSeconds ?? 0) > 0;
  const tick = useInterval((report.refreshSeconds ?? 60) * 1000, live);
  const result = useApi<RunResult>(runUrl(report.id, query, shape), live ? tick : undefined);
  // Charts draw every row (up to CHART_ROWS), not just the table's page.
  const charted = report.visual.type !== 'table' && report.visual.type !== 'stat';
  const chart = useApi<RunResult>(
    charted ? chartUrl(report.id, query, shape) : null,
    live ? tick : undefined,
  );
  const errors = placeErrors(result.error, filters);
  const span = timeSpan(filters, query, chart.data?.generatedAt ?? result.data?.generatedAt);
  const base = `/reports/${encodeURIComponent(report.id)}`;
  const me = useMe();
  const mayExport = can(me, 'export');
  const editable = report.editable && can(me, 'edit_reports');

  const go = (next: ReportQuery) => navigate(`${base}${toReportSearch(next, shape)}`);
  const drill = report.drilldown
    ? (cells: Cell[]) => {
        const columns = result.data?.columns ?? report.columns;
        const ctx = { drilldown: report.drilldown!, columns, filters, values: query.values, now: Date.now() };
        const href = drillHref(ctx, cells);
        if (href) navigate(href);
      }
    : undefined;
  const target = report.drilldown?.report ? `the report “${report.drilldown.report}”` : 'the matching events';

  return (
    <div className="page report-page" data-testid="report-page" data-report={report.id}>
      <PageHeader
        back={{ href: '/reports', label: 'Reports' }}
        title={report.title}
        aside={<SourceBadge source={report.source} />}
        subtitle={report.description}
        actions={
          <>
            <SavedViews reportId={report.id} search={search} />
            <ShareButton />
            {mayExport && (
              <>
                <a
                  className="btn btn--secondary btn--sm"
                  href={exportUrl(report.id, 'csv', query, filters)}
                  download
                  data-testid="export-csv"
                >
                  Export CSV
                </a>
                <a
                  className="btn btn--secondary btn--sm"
                  href={exportUrl(report.id, 'parquet', query, filters)}
                  download
                  data-testid="export-parquet"
                >
                  Parquet
                </a>
              </>
            )}
            <Button
              size="sm"
              variant={editable ? 'primary' : 'secondary'}
              onClick={() => navigate(`${base}/edit`)}
              title={editable ? 'Edit the definition' : 'See the definition (read-only)'}
            >
              {editable ? 'Edit' : 'Definition'}
            </Button>
          </>
        }
      />
      <FilterBar
        filters={filters}
        values={query.values}
        errors={errors.byFilter}
        valuesUrl={(f, text) => valuesUrl(report.id, f, query, filters, text)}
        onChange={(fid, values) => go({ ...query, page: 1, values: { ...query.values, [fid]: values } })}
      />
      <div className="report-page__meta" data-testid="report-meta">
        <Badge tone="neutral">{report.dataset}</Badge>
        {result.data && !result.error && (
          <span>
            {result.data.total.toLocaleString()} rows · {Math.round(result.data.elapsedMs)} ms
          </span>
        )}
        {live && (
          <span className="report-page__live" title={`Refreshes every ${report.refreshSeconds} s`}>
            <span className="report-page__live-dot" /> Live, every {report.refreshSeconds} s
          </span>
        )}
        {drill && <span className="report-page__drill">Click a row or point to open {target}.</span>}
        {result.loading && <Spinner size="sm" label="Running the report" />}
      </div>
      {result.error && (errors.general || !result.data) ? (
        <EmptyState icon="alert" tone="danger" title="The report could not run" compact>
          <span data-testid="report-error">{errors.general ?? 'Check the highlighted filter.'}</span>
        </EmptyState>
      ) : null}
      {result.data && !(result.error && errors.general) && (
        <ReportResult
          visual={report.visual}
          result={result.data}
          chart={chart.data}
          query={query}
          pageSize={shape.pageSize}
          switching={result.loading && result.dataUrl !== result.url}
          stale={Boolean(result.error)}
          onSort={(sort, dir) => go({ ...query, sort, dir, page: 1 })}
          onPage={(page) => go({ ...query, page })}
          onRow={drill}
          span={span}
        />
      )}
      {!result.data && !result.error && (
        <div className="report-page__loading">
          <Spinner size="lg" label="Running the report" />
        </div>
      )}
    </div>
  );
}

/** The window of the report's time-range filter, relative ranges resolved at the server's `now`. */
function timeSpan(filters: ReportDetail['filters'], query: ReportQuery, at: string | undefined) {
  const f = filters.find((x) => x.kind === 'time_range');
  const win = f && at ? resolveRange(query.values[f.id]?.[0], Date.parse(at)) : undefined;
  return win ? { from: Date.parse(win.from), to: Date.parse(win.to) } : undefined;
}
