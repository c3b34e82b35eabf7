// The report wire types under the names the report pages use; the shapes live in src/api/types.ts
// (the web imports only types from src/).
import type { ReportRunResult } from '../../../src/api/types.ts';

export type {
  ColumnMeta,
  FilterSpec,
  ReportDetail,
  ReportDrilldown as DrilldownSpec,
  ReportFilterValuesResponse as FilterValuesResponse,
  ReportSource,
  ReportSummary,
  ReportsResponse as ReportListResponse,
  ReportValidateResponse as ValidateResponse,
  ReportValidationError as ValidationIssue,
  ReportView as SavedView,
  ReportViewsResponse as SavedViewsResponse,
  ReportVisual as VisualSpec,
  RunResult,
  VisualType,
} from '../../../src/api/types.ts';

export type Cell = ReportRunResult['rows'][number][number];
