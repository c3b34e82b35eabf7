// The signed-in user's own page: who they are and what they may do, password change, and personal
// API tokens (created with a subset of their permissions, shown once, revocable).
import { type FormEvent, useState } from 'react';
import type { MeResponse, NewTokenResponse, TokenInfo } from '../../../src/api/types.ts';
import { postJson, sendJson } from '../lib/api.ts';
import { useApi } from '../lib/useApi.ts';
import { Badge } from '../ui/Badge.tsx';
import { Button } from '../ui/Button.tsx';
import { Card } from '../ui/Card.tsx';
import { PageHeader } from '../ui/PageHeader.tsx';
import { type Column, Table } from '../ui/Table.tsx';
import { Tag } from '../ui/Tag.tsx';
import { CheckboxGroup } from './CheckboxGroup.tsx';
import { useMe, useRefreshMe } from './session.tsx';
import './AccessPages.css';

export function AccountPage() {
  const me = useMe();
  if (!me.enabled)
    return (
      <div className="page access-page">
        <PageHeader
          title="Account"
          subtitle="Access control is off: this installation runs in single-user mode."
        />
        <Card title="Single-user mode">
          <p className="access-page__note">
            Everyone who reaches this server may do everything. To require sign-in, set{' '}
            <code>access.enabled: true</code> in mortar.yaml and add users with{' '}
            <code>mortar user add NAME --role admin</code>.
          </p>
        </Card>
      </div>
    );
  return (
    <div className="page access-page">
      <PageHeader
        title="Account"
        subtitle="Who you are here, what you may do, your password and API tokens."
      />
      <div className="access-page__grid">
        <Card title={me.user ?? ''} subtitle={me.viewAsBy ? `Viewed by ${me.viewAsBy}` : 'Signed in'}>
          <div className="access-page__kv">
            <span>Roles</span>
            <span>
              {me.roles.map((r) => (
                <Tag key={r} tone="brand">
                  {r}
                </Tag>
              ))}
            </span>
            <span>Permissions</span>
            <span className="access-page__tags">
              {me.permissions.map((p) => (
                <Tag key={p}>{p}</Tag>
              ))}
            </span>
          </div>
        </Card>
        {!me.viewAsBy && <PasswordCard />}
      </div>
      {!me.viewAsBy && <TokensCard me={me} />}
    </div>
  );
}

function PasswordCard() {
  const refresh = useRefreshMe();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [msg, setMsg] = useState<{ ok: boolean; text: string }>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (next !== again) return setMsg({ ok: false, text: 'The two new passwords differ.' });
    try {
      await postJson<MeResponse>('/api/auth/password', { current, next });
      setMsg({ ok: true, text: 'Password changed. Your other sessions were signed out.' });
      setCurrent('');
      setNext('');
      setAgain('');
      refresh();
    } catch (err) {
      setMsg({ ok: false, text: (err as Error).message });
    }
  };
  return (
    <Card title="Password">
      <form className="access-form" onSubmit={submit}>
        <Field
          label="Current password"
          type="password"
          value={current}
          onChange={setCurrent}
          auto="current-password"
        />
        <Field
          label="New password (10+ characters)"
          type="password"
          value={next}
          onChange={setNext}
          auto="new-password"
        />
        <Field
          label="New password again"
          type="password"
          value={again}
          onChange={setAgain}
          auto="new-password"
        />
        {msg && <Notice ok={msg.ok}>{msg.text}</Notice>}
        <div>
          <Button type="submit" variant="primary" disabled={!current || !next || !again}>
            Change password
          </Button>
        </div>
      </form>
    </Card>
  );
}

const EXPIRIES = [
  { value: '7d', label: '7 days' },
  { value: '30d', label: '30 days' },
  { value: '90d', label: '90 days' },
  { value: '', label: 'never' },
];

function TokensCard({ me }: { me: MeResponse }) {
  const [tick, setTick] = useState(0);
  const tokens = useApi<{ tokens: TokenInfo[] }>('/api/auth/tokens', tick);
  const [name, setName] = useState('');
  const [perms, setPerms] = useState<string[]>([]);
  const [expires, setExpires] = useState('30d');
  const [created, setCreated] = useState<string>();
  const [error, setError] = useState<string>();

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      const res = await postJson<NewTokenResponse>('/api/auth/tokens', {
        name,
        permissions: perms,
        expires: expires || undefined,
      });
      setCreated(res.token);
      setName('');
      setPerms([]);
      setTick((t) => t + 1);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const revoke = async (id: string) => {
    try {
      await sendJson('DELETE', `/api/auth/tokens/${encodeURIComponent(id)}`);
      setTick((t) => t + 1);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const columns: Column<TokenInfo>[] = [
    { key: 'name', header: 'Name', render: (t) => t.name },
    { key: 'id', header: 'Id', width: '130px', render: (t) => <code>{t.id}</code> },
    { key: 'perms', header: 'Permissions', render: (t) => t.permissions.join(', ') },
    {
      key: 'expires',
      header: 'Expires',
      width: '120px',
      render: (t) => (t.expiresAt ? t.expiresAt.slice(0, 10) : 'never'),
    },
    {
      key: 'used',
      header: 'Last used',
      width: '170px',
      render: (t) => (t.lastUsedAt ? t.lastUsedAt.replace('T', ' ').slice(0, 19) : '—'),
    },
    {
      key: 'state',
      header: 'State',
      width: '90px',
      render: (t) =>
        t.revokedAt ? (
          <Badge tone="neutral">revoked</Badge>
        ) : t.expiresAt && t.expiresAt < new Date().toISOString() ? (
          <Badge tone="warn">expired</Badge>
        ) : (
          <Badge tone="ok">active</Badge>
        ),
    },
    {
      key: 'act',
      header: '',
      width: '110px',
      align: 'right',
      render: (t) =>
        t.revokedAt ? null : (
          <Button size="sm" variant="ghost" onClick={() => revoke(t.id)} aria-label={`Revoke ${t.name}`}>
            Revoke
          </Button>
        ),
    },
  ];

  return (
    <Card
      title="API tokens"
      subtitle='For scripts and agents: send as "Authorization: Bearer …". A token never has more than you.'
    >
      <form className="access-form access-form--inline" onSubmit={create}>
        <Field label="Token name" value={name} onChange={setName} />
        <label className="form-field">
          <span>Expires</span>
          <select value={expires} onChange={(e) => setExpires(e.target.value)}>
            {EXPIRIES.map((x) => (
              <option key={x.label} value={x.value}>
                {x.label}
              </option>
            ))}
          </select>
        </label>
        <CheckboxGroup legend="Permissions" options={me.permissions} selected={perms} onChange={setPerms} />
        <div>
          <Button type="submit" variant="primary" disabled={!name || perms.length === 0}>
            Create token
          </Button>
        </div>
      </form>
      {created && (
        <Notice ok>
          Copy this token now; it is not shown again: <code className="access-page__secret">{created}</code>
        </Notice>
      )}
      {error && <Notice ok={false}>{error}</Notice>}
      <Table
        label="Your API tokens"
        columns={columns}
        rows={tokens.data?.tokens ?? []}
        rowKey={(t) => t.id}
      />
    </Card>
  );
}

export function Field(props: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  type?: string;
  auto?: string;
}) {
  return (
    <label className="form-field">
      <span>{props.label}</span>
      <input
        type={props.type ?? 'text'}
        value={props.value}
        autoComplete={props.auto}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </label>
  );
}

export function Notice({ ok, children }: { ok: boolean; children: React.ReactNode }) {
  return (
    <p
      className={ok ? 'access-notice access-notice--ok' : 'access-notice access-notice--error'}
      role={ok ? 'status' : 'alert'}
    >
      {children}
    </p>
  );
}
