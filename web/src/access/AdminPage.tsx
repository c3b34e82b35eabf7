// Administration: users (add, roles, disable, "view as"), and the access policy editor (roles,
// scopes, masks: PolicyEditor.tsx). Every change goes through the API, which audits it.
import { type FormEvent, useState } from 'react';
import type { AdminOverview, UserInfo } from '../../../src/api/types.ts';
import { postJson, sendJson } from '../lib/api.ts';
import { navigate } from '../lib/router.ts';
import { useApi } from '../lib/useApi.ts';
import { Badge } from '../ui/Badge.tsx';
import { Button } from '../ui/Button.tsx';
import { Card } from '../ui/Card.tsx';
import { LoadState } from '../ui/LoadState.tsx';
import { PageHeader } from '../ui/PageHeader.tsx';
import { Spinner } from '../ui/Spinner.tsx';
import { type Column, Table } from '../ui/Table.tsx';
import { Tag } from '../ui/Tag.tsx';
import { Field, Notice } from './AccountPage.tsx';
import { CheckboxGroup } from './CheckboxGroup.tsx';
import { PolicyEditor } from './PolicyEditor.tsx';
import { useMe, useRefreshMe } from './session.tsx';
import './AccessPages.css';

export function AdminPage() {
  const me = useMe();
  const [tick, setTick] = useState(0);
  const overview = useApi<AdminOverview>(me.enabled ? '/api/admin/overview' : null, tick);
  const reload = () => setTick((t) => t + 1);
  if (!me.enabled)
    return (
      <div className="page access-page">
        <PageHeader title="Users and roles" subtitle="Access control is off: single-user mode." />
        <Card title="Single-user mode">
          <p className="access-page__note">
            Set <code>access.enabled: true</code> in mortar.yaml to require sign-in; then users and roles are
            managed here and with <code>mortar user</code>.
          </p>
        </Card>
      </div>
    );
  return (
    <div className="page access-page">
      <PageHeader
        title="Users and roles"
        subtitle="Who may sign in, with which roles; roles grant features."
      />
      <LoadState
        data={overview.data}
        error={overview.error}
        onRetry={overview.retry}
        errorTitle="The users could not be loaded"
        loading={<Spinner label="Loading users" />}
      >
        {(o) => (
          <>
            <UsersCard overview={o} onChange={reload} self={me.user ?? ''} />
            <PolicyEditor refreshKey={tick} onSaved={reload} />
          </>
        )}
      </LoadState>
    </div>
  );
}

function UsersCard({
  overview,
  onChange,
  self,
}: {
  overview: AdminOverview;
  onChange: () => void;
  self: string;
}) {
  const refreshMe = useRefreshMe();
  const [error, setError] = useState<string>();
  const act = async (f: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await f();
      onChange();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const viewAs = (name: string) =>
    act(async () => {
      await postJson('/api/admin/view-as', { user: name });
      refreshMe();
      navigate('/cockpit');
    });
  const columns: Column<UserInfo>[] = [
    { key: 'name', header: 'User', width: '160px', render: (u) => <strong>{u.name}</strong> },
    {
      key: 'roles',
      header: 'Roles',
      render: (u) => (
        <span className="access-page__tags">
          {u.roles.map((r) => (
            <Tag key={r} tone="brand">
              {r}
            </Tag>
          ))}
        </span>
      ),
    },
    {
      key: 'attrs',
      header: 'Attributes',
      width: '200px',
      render: (u) =>
        Object.entries(u.attrs)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ') || '—',
    },
    {
      key: 'state',
      header: 'State',
      width: '100px',
      render: (u) =>
        u.disabled ? (
          <Badge tone="neutral">disabled</Badge>
        ) : u.locked ? (
          <Badge tone="warn">locked</Badge>
        ) : (
          <Badge tone="ok">active</Badge>
        ),
    },
    {
      key: 'act',
      header: '',
      width: '200px',
      align: 'right',
      render: (u) =>
        u.name === self ? (
          <span className="access-page__note">you</span>
        ) : (
          <span style={{ display: 'inline-flex', gap: 6 }}>
            <Button size="sm" variant="ghost" onClick={() => viewAs(u.name)} disabled={u.disabled}>
              View as
            </Button>
            <Button
              size="sm"
              variant="ghost"
              onClick={() =>
                act(() =>
                  sendJson('PATCH', `/api/admin/users/${encodeURIComponent(u.name)}`, {
                    disabled: !u.disabled,
                  }),
                )
              }
            >
              {u.disabled ? 'Enable' : 'Disable'}
            </Button>
          </span>
        ),
    },
  ];
  return (
    <Card
      title={`Users (${overview.users.length})`}
      subtitle="Passwords are stored as argon2id hashes; a disabled user's sessions and tokens end at once."
    >
      <AddUserForm roles={overview.roles.map((r) => r.name)} onAdded={onChange} />
      {error && <Notice ok={false}>{error}</Notice>}
      <Table label="Users" columns={columns} rows={overview.users} rowKey={(u) => u.name} />
    </Card>
  );
}

function AddUserForm({ roles, onAdded }: { roles: string[]; onAdded: () => void }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [picked, setPicked] = useState<string[]>(['viewer']);
  const [attrs, setAttrs] = useState('');
  const [msg, setMsg] = useState<{ ok: boolean; text: string }>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const parsed: Record<string, string> = {};
    for (const part of attrs
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const [k, ...v] = part.split('=');
      if (!k || v.length === 0)
        return setMsg({ ok: false, text: `Attributes are key=value pairs, not "${part}".` });
      parsed[k.trim()] = v.join('=').trim();
    }
    try {
      await postJson('/api/admin/users', { name, password, roles: picked, attrs: parsed });
      setMsg({ ok: true, text: `Added ${name}.` });
      setName('');
      setPassword('');
      setAttrs('');
      onAdded();
    } catch (err) {
      setMsg({ ok: false, text: (err as Error).message });
    }
  };
  return (
    <>
      <form className="access-form access-form--inline" onSubmit={submit} aria-label="Add a user">
        <Field label="User name" value={name} onChange={setName} />
        <Field
          label="Initial password"
          type="password"
          value={password}
          onChange={setPassword}
          auto="new-password"
        />
        <Field label="Attributes (site=north, …)" value={attrs} onChange={setAttrs} />
        <CheckboxGroup legend="Roles" options={roles} selected={picked} onChange={setPicked} />
        <div>
          <Button type="submit" variant="primary" disabled={!name || !password || picked.length === 0}>
            Add user
          </Button>
        </div>
      </form>
      {msg && <Notice ok={msg.ok}>{msg.text}</Notice>}
    </>
  );
}
