// The audit log (append-only on the server): sign-ins and their failures, denials, admin changes,
// "view as", tokens; newest first, filtered by action and actor, paged backwards.
import { useState } from 'react';
import type { AuditRowInfo } from '../../../src/api/types.ts';
import { apiUrl } from '../lib/api.ts';
import { useApi } from '../lib/useApi.ts';
import { Badge } from '../ui/Badge.tsx';
import { Button } from '../ui/Button.tsx';
import { Card } from '../ui/Card.tsx';
import { LoadState } from '../ui/LoadState.tsx';
import { PageHeader } from '../ui/PageHeader.tsx';
import { Spinner } from '../ui/Spinner.tsx';
import { type Column, Table } from '../ui/Table.tsx';
import { Field } from './AccountPage.tsx';
import './AccessPages.css';

const PAGE = 100;

export function AuditPage() {
  const [action, setAction] = useState('');
  const [actor, setActor] = useState('');
  const [before, setBefore] = useState<number[]>([]);
  const [open, setOpen] = useState<string | null>(null);
  const log = useApi<{ rows: AuditRowInfo[] }>(
    apiUrl('audit', { limit: PAGE, action: action.trim(), actor: actor.trim(), before: before.at(-1) }),
  );
  const columns: Column<AuditRowInfo>[] = [
    { key: 'at', header: 'Time (UTC)', width: '180px', render: (r) => r.at.replace('T', ' ').slice(0, 19) },
    { key: 'actor', header: 'Actor', width: '150px', render: (r) => r.actor },
    { key: 'action', header: 'Action', width: '140px', render: (r) => <code>{r.action}</code> },
    { key: 'target', header: 'Target', render: (r) => r.target ?? '—' },
    {
      key: 'outcome',
      header: 'Outcome',
      width: '100px',
      render: (r) => (
        <Badge tone={r.outcome === 'ok' ? 'ok' : r.outcome === 'denied' ? 'warn' : 'danger'}>
          {r.outcome}
        </Badge>
      ),
    },
    { key: 'ip', header: 'From', width: '130px', render: (r) => r.ip ?? '—' },
  ];
  return (
    <div className="page access-page">
      <PageHeader title="Audit log" subtitle="Append-only: no API or user can change or delete an entry." />
      <Card
        title="Entries"
        actions={
          <span style={{ display: 'inline-flex', gap: 6 }}>
            <Button size="sm" disabled={before.length === 0} onClick={() => setBefore(before.slice(0, -1))}>
              Newer
            </Button>
            <Button
              size="sm"
              disabled={(log.data?.rows.length ?? 0) < PAGE}
              onClick={() => setBefore([...before, log.data!.rows.at(-1)!.seq])}
            >
              Older
            </Button>
          </span>
        }
      >
        <div className="access-filters">
          <Field
            label="Action (login, denied, user_change, …)"
            value={action}
            onChange={(v) => {
              setAction(v);
              setBefore([]);
            }}
          />
          <Field
            label="Actor"
            value={actor}
            onChange={(v) => {
              setActor(v);
              setBefore([]);
            }}
          />
        </div>
        <LoadState
          data={log.data}
          error={log.error}
          onRetry={log.retry}
          errorTitle="The audit log could not be loaded"
          loading={<Spinner label="Loading the audit log" />}
        >
          {(d) => (
            <Table
              label="Audit log"
              columns={columns}
              rows={d.rows}
              rowKey={(r) => String(r.seq)}
              expandedKey={open}
              onToggle={(k) => setOpen(open === k ? null : k)}
              renderExpanded={(r) => (
                <pre className="access-page__detail">{JSON.stringify(r.detail, null, 2)}</pre>
              )}
            />
          )}
        </LoadState>
      </Card>
    </div>
  );
}
