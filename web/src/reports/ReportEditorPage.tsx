// The report editor: the definition as YAML, validated on the server as you type (every problem with
// its path and line; a click puts the caret there) with a live preview of the rows it returns, and
// Save for reports the user may edit (or a new one). Built-in and configuration reports open read-only.
import { useEffect, useRef, useState } from 'react';
import { can, useMe } from '../access/session.tsx';
import { navigate } from '../lib/router.ts';
import { useApi } from '../lib/useApi.ts';
import { Badge } from '../ui/Badge.tsx';
import { Button } from '../ui/Button.tsx';
import { Card } from '../ui/Card.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { LoadError } from '../ui/LoadError.tsx';
import { PageHeader } from '../ui/PageHeader.tsx';
import { Spinner } from '../ui/Spinner.tsx';
import { clearDraft, draftYaml, offerCopy, yamlId, yamlVisual } from './newReportYaml.ts';
import { deleteReport, putReport } from './putReport.ts';
import { ReportResult } from './ReportResult.tsx';
import type { ReportDetail } from './reportTypes.ts';
import { useValidation } from './useValidation.ts';
import { ValidationList } from './ValidationList.tsx';
import { YamlEditor, type YamlEditorHandle } from './YamlEditor.tsx';
import './ReportEditorPage.css';

export function ReportEditorPage({ id }: { id?: string }) {
  const detail = useApi<ReportDetail>(id ? `/api/reports/${encodeURIComponent(id)}` : null);
  if (id && !detail.data)
    return (
      <div className="page report-editor">
        <PageHeader
          title={`Edit ${id}`}
          back={{ href: `/reports/${encodeURIComponent(id)}`, label: 'Report' }}
        />
        {detail.error ? (
          <LoadError title="The report could not be loaded" error={detail.error} onRetry={detail.retry} />
        ) : (
          <Spinner size="lg" label="Loading the report" />
        )}
      </div>
    );
  return <Editor key={id ?? 'new'} report={detail.data} />;
}

function Editor({ report }: { report: ReportDetail | undefined }) {
  const [yaml, setYaml] = useState(() => report?.yaml ?? draftYaml());
  useEffect(() => clearDraft(), []);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | undefined>();
  const editor = useRef<YamlEditorHandle>(null);
  const mayEdit = can(useMe(), 'edit_reports');
  const editable = mayEdit && (report ? report.editable : true);
  const validation = useValidation(yaml, true);
  const answer = validation.yaml === yaml ? validation.answer : undefined;
  const errors = validation.answer?.errors ?? [];
  const errorLines = new Set(errors.map((e) => e.line).filter((l): l is number => l !== undefined));
  const id = report?.id ?? yamlId(yaml);
  const canSave = editable && !saving && answer?.ok === true && Boolean(id);

  const save = async () => {
    if (!id) return;
    setSaving(true);
    setSaveError(undefined);
    try {
      const saved = await putReport(id, yaml);
      navigate(`/reports/${encodeURIComponent(saved.id)}`);
    } catch (err) {
      setSaveError((err as Error).message);
    } finally {
      setSaving(false);
    }
  };
  const remove = async () => {
    if (!report || !window.confirm(`Delete the report “${report.title}”? This cannot be undone.`)) return;
    try {
      await deleteReport(report.id);
      navigate('/reports');
    } catch (err) {
      setSaveError((err as Error).message);
    }
  };

  const back = report
    ? { href: `/reports/${encodeURIComponent(report.id)}`, label: report.title }
    : { href: '/reports', label: 'Reports' };
  return (
    <div className="page report-editor" data-testid="report-editor">
      <PageHeader
        back={back}
        title={report ? `Edit “${report.title}”` : 'New report'}
        aside={!editable ? <Badge tone="warn">Read-only</Badge> : undefined}
        subtitle={
          editable
            ? 'The definition in YAML. It is checked as you type; the preview shows what it returns.'
            : !mayEdit
              ? 'Your roles may run reports but not change them.'
              : 'This report ships with Mortar or comes from the configuration: copy it into a new report to change it.'
        }
        actions={
          <>
            {report && mayEdit && (
              <Button
                variant={editable ? 'ghost' : 'primary'}
                onClick={() => {
                  offerCopy(yaml);
                  navigate('/reports/new');
                }}
              >
                Copy as new report
              </Button>
            )}
            {editable && report?.source === 'user' && (
              <Button variant="ghost" onClick={remove}>
                Delete
              </Button>
            )}
            {editable && (
              <Button
                variant="primary"
                onClick={save}
                disabled={!canSave}
                data-testid="save-report"
                title={id ? undefined : 'Give the report an id: line'}
              >
                {saving ? 'Saving…' : 'Save'}
              </Button>
            )}
          </>
        }
      />
      {saveError && (
        <div className="report-editor__save-error" role="alert" data-testid="save-error">
          {saveError}
        </div>
      )}
      <div className="report-editor__grid">
        <Card
          title="Definition"
          className="report-editor__source"
          actions={<Status pending={validation.pending} ok={answer?.ok} count={errors.length} />}
        >
          <YamlEditor
            ref={editor}
            value={yaml}
            onChange={setYaml}
            errorLines={errorLines}
            readOnly={!editable}
          />
          <ValidationList
            errors={errors}
            requestError={validation.error}
            onJump={(l, c) => editor.current?.jumpTo(l, c)}
          />
        </Card>
        <div className="report-editor__preview" data-testid="editor-preview">
          {answer?.preview ? (
            <ReportResult
              visual={{ type: yamlVisual(yaml) ?? 'table' }}
              result={answer.preview}
              query={{ values: {}, dir: 'desc', page: 1 }}
              pageSize={Math.max(1, answer.preview.rows.length)}
              switching={validation.pending}
              stale={validation.pending}
              onSort={() => {}}
              onPage={() => {}}
            />
          ) : (
            <Card title="Preview">
              <EmptyState
                icon="reports"
                title={errors.length ? 'Fix the definition to see a preview' : 'Waiting for the first check'}
                compact
              >
                The preview runs the report with its default filters.
              </EmptyState>
            </Card>
          )}
        </div>
      </div>
    </div>
  );
}

function Status({ pending, ok, count }: { pending: boolean; ok: boolean | undefined; count: number }) {
  if (pending) return <Spinner size="sm" label="Checking" />;
  if (ok === undefined) return null;
  return ok ? (
    <Badge tone="ok">Valid</Badge>
  ) : (
    <Badge tone="danger">
      {count} {count === 1 ? 'problem' : 'problems'}
    </Badge>
  );
}
