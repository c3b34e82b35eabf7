// The access policy editor of the admin page: roles (the built-in ones, their redefinitions and new
// ones) with permissions and row scopes per dataset, and field masks. The whole policy is edited as
// one draft and saved as one version (PUT /api/admin/policy with the version the edit started from),
// so the server checks it whole; its errors name a path ("roles.op.scopes.events.0") and are shown
// next to the input that path names, or the nearest thing shown that contains it.
import { useEffect, useRef, useState } from 'react';
import type { PolicyMask, PolicyResponse, PolicyRole, PolicySaveRequest } from '../../../src/api/types.ts';
import { ApiError, sendJson } from '../lib/api.ts';
import { useApi } from '../lib/useApi.ts';
import { Badge } from '../ui/Badge.tsx';
import { Button } from '../ui/Button.tsx';
import { Card } from '../ui/Card.tsx';
import { LoadState } from '../ui/LoadState.tsx';
import { Spinner } from '../ui/Spinner.tsx';
import { Notice } from './AccountPage.tsx';
import { CheckboxGroup } from './CheckboxGroup.tsx';
import './PolicyEditor.css';

type Doc = PolicyResponse['policy'];
interface Detail {
  where: string;
  message: string;
  hint?: string;
}

/** The same rule as the configuration's role names (config/schema.ts). */
const ROLE_NAME = /^[a-z][a-z0-9_-]*$/;

const MASK_LOOK: Record<PolicyMask['mode'], string> = {
  partial: 'first 2 characters, then ***',
  hash: 'a pseudonym (#…)',
  hide: 'hidden',
};

export function PolicyEditor({ refreshKey, onSaved }: { refreshKey: number; onSaved: () => void }) {
  const api = useApi<PolicyResponse>('/api/admin/policy', refreshKey);
  return (
    <LoadState
      data={api.data}
      error={api.error}
      onRetry={api.retry}
      errorTitle="The access policy could not be loaded"
      loading={<Spinner label="Loading the access policy" />}
    >
      {(p) => <Editor loaded={p} reload={api.retry} onSaved={onSaved} />}
    </LoadState>
  );
}

function Editor({
  loaded,
  reload,
  onSaved,
}: {
  loaded: PolicyResponse;
  reload: () => void;
  onSaved: () => void;
}) {
  const [base, setBase] = useState(loaded);
  const [draft, setDraft] = useState<Doc>(() => structuredClone(loaded.policy));
  const [selected, setSelected] = useState(() => Object.keys(loaded.builtinRoles)[0] ?? '');
  const [errors, setErrors] = useState<Detail[]>([]);
  const [notice, setNotice] = useState<{ ok: boolean; text: string }>();
  const [stale, setStale] = useState<string>();
  const [confirmReset, setConfirmReset] = useState(false);
  const [busy, setBusy] = useState(false);
  const [newRole, setNewRole] = useState('');
  const [newRoleError, setNewRoleError] = useState<string>();
  const replaceNext = useRef(false);
  const dirty = JSON.stringify(draft) !== JSON.stringify(base.policy);

  // A fresh answer (after a save elsewhere on the page, or "reload") replaces the draft only when it
  // holds no edits, or on request: an edit in progress keeps its base version, so saving it over
  // someone else's change is refused (409) rather than silently undoing theirs. Holders are always
  // taken, since they decide which delete buttons work.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a new answer triggers this
  useEffect(() => {
    if (loaded === base) return;
    if (replaceNext.current || !dirty) {
      replaceNext.current = false;
      setBase(loaded);
      setDraft(structuredClone(loaded.policy));
      setErrors([]);
      setStale(undefined);
    } else setBase((b) => ({ ...b, holders: loaded.holders }));
  }, [loaded]);

  const builtin = base.builtinRoles;
  const roleNames = [
    ...Object.keys(builtin),
    ...Object.keys(draft.roles).filter((r) => !Object.hasOwn(builtin, r)),
  ];
  const roleOf = (name: string): PolicyRole | undefined => draft.roles[name] ?? builtin[name];
  const current = roleOf(selected) ? selected : (roleNames[0] ?? '');

  // Editing a built-in role redefines it: the edit starts from the built-in definition.
  const editRole = (name: string, f: (r: PolicyRole) => PolicyRole) =>
    setDraft((d) => {
      const was = d.roles[name] ?? builtin[name];
      if (!was) return d;
      return { ...d, roles: { ...d.roles, [name]: f(structuredClone(was)) } };
    });
  const removeRole = (name: string) => {
    setDraft((d) => {
      const roles = { ...d.roles };
      delete roles[name];
      return { ...d, roles };
    });
    setErrors([]);
  };
  const addRole = () => {
    const name = newRole.trim();
    if (!ROLE_NAME.test(name))
      return setNewRoleError('a lower-case name: letters, digits, - and _, starting with a letter');
    if (roleOf(name)) return setNewRoleError(`role "${name}" exists`);
    setDraft((d) => ({ ...d, roles: { ...d.roles, [name]: { permissions: [] } } }));
    setSelected(name);
    setNewRole('');
    setNewRoleError(undefined);
  };
  const editMasks = (f: (m: PolicyMask[]) => PolicyMask[]) =>
    setDraft((d) => ({ ...d, masks: f(d.masks.map((m) => ({ ...m }))) }));

  const save = async (policy: Doc | null) => {
    setBusy(true);
    setErrors([]);
    setNotice(undefined);
    setStale(undefined);
    setConfirmReset(false);
    try {
      const body: PolicySaveRequest = { baseVersion: base.source.version, policy };
      const res = await sendJson<PolicyResponse>('PUT', '/api/admin/policy', body);
      setBase(res);
      setDraft(structuredClone(res.policy));
      setNotice({
        ok: true,
        text:
          policy === null
            ? "Back to the configuration's policy. It applies from every user's next request."
            : `Saved as version ${res.source.version}. It applies from every user's next request.`,
      });
      onSaved();
    } catch (err) {
      if (err instanceof ApiError && err.status === 409)
        setStale(err.details[0]?.message ?? 'a newer version is in force');
      else if (err instanceof ApiError && err.details.length) {
        setErrors(err.details);
        setNotice({ ok: false, text: `Not saved: ${err.message}.` });
        const role = err.details.map((d) => /^roles\.([^.]+)/.exec(d.where)?.[1]).find((r) => r && roleOf(r));
        if (role) setSelected(role);
      } else setNotice({ ok: false, text: (err as Error).message });
    } finally {
      setBusy(false);
    }
  };
  const discard = () => {
    setDraft(structuredClone(base.policy));
    setErrors([]);
    setNotice(undefined);
  };
  const reloadNow = () => {
    replaceNext.current = true;
    setNotice(undefined);
    reload();
  };

  const placed = placeErrors(errors, draft, roleNames);
  const at = (anchor: string) => placed.get(anchor);
  const roleHasError = (name: string) =>
    [...placed.keys()].some((k) => k === `roles.${name}` || k.startsWith(`roles.${name}.`));
  const role = roleOf(current);

  return (
    <Card
      title="Roles and masks"
      subtitle={<SourceLine source={base.source} />}
      actions={
        <div className="policy__actions">
          {dirty && <Badge tone="warn">unsaved changes</Badge>}
          <Button variant="ghost" size="sm" onClick={discard} disabled={!dirty || busy}>
            Discard changes
          </Button>
          <span
            title={
              base.source.kind === 'config'
                ? "The configuration's policy is in force"
                : 'Drop the policy saved here; access.roles and access.masks of mortar.yaml apply again'
            }
          >
            <Button
              size="sm"
              onClick={() => setConfirmReset(true)}
              disabled={busy || base.source.kind === 'config'}
            >
              Reset to configuration
            </Button>
          </span>
          <Button variant="primary" size="sm" onClick={() => save(draft)} disabled={!dirty || busy}>
            Save
          </Button>
        </div>
      }
    >
      {base.problem && <Notice ok={false}>{base.problem}</Notice>}
      {confirmReset && (
        <div className="access-notice policy__confirm" role="alertdialog" aria-label="Reset to configuration">
          <span>
            Return to the configuration's roles and masks? The policy saved here stops applying
            {dirty ? ', and your unsaved changes are lost' : ''}.
          </span>
          <Button size="sm" variant="primary" onClick={() => save(null)}>
            Reset
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setConfirmReset(false)}>
            Cancel
          </Button>
        </div>
      )}
      {stale && (
        <div className="access-notice access-notice--error policy__confirm" role="alert">
          <span>
            Someone saved the policy meanwhile — {stale}. Reload to see it, then make your change again
            (reloading drops your unsaved changes).
          </span>
          <Button size="sm" onClick={reloadNow}>
            Reload
          </Button>
        </div>
      )}
      {notice && <Notice ok={notice.ok}>{notice.text}</Notice>}
      {errors.length > 0 && (
        <ul className="policy__summary" aria-label="Policy errors">
          {errors.map((d) => {
            const r = /^roles\.([^.]+)/.exec(d.where)?.[1];
            return (
              <li key={`${d.where}:${d.message}`}>
                {r && roleOf(r) ? (
                  <button type="button" className="policy__link" onClick={() => setSelected(r)}>
                    <code>{d.where}</code>
                  </button>
                ) : (
                  <code>{d.where}</code>
                )}
                : {d.message}
              </li>
            );
          })}
        </ul>
      )}

      <div className="policy__layout">
        <nav className="policy__roles" aria-label="Roles">
          <ul>
            {roleNames.map((name) => {
              const r = roleOf(name)!;
              const scoped = Object.values(r.scopes ?? {}).some((rules) => rules.length > 0);
              return (
                <li key={name}>
                  <button
                    type="button"
                    className={`policy__role-item ${name === current ? 'is-selected' : ''}`}
                    aria-current={name === current ? 'true' : undefined}
                    onClick={() => setSelected(name)}
                  >
                    <span className="policy__role-name">
                      {name}
                      {roleHasError(name) && (
                        <span className="policy__error-dot" title="has errors">
                          <span className="visually-hidden"> (has errors)</span>
                        </span>
                      )}
                    </span>
                    <span className="policy__role-meta">
                      {r.permissions.length} permission{r.permissions.length === 1 ? '' : 's'}
                      {scoped ? ' · scoped' : ''}
                      {Object.hasOwn(builtin, name) && Object.hasOwn(draft.roles, name) ? ' · redefined' : ''}
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
          <div className="policy__add-role">
            <input
              className="policy__input"
              aria-label="New role name"
              placeholder="new role name"
              value={newRole}
              onChange={(e) => {
                setNewRole(e.target.value);
                setNewRoleError(undefined);
              }}
              onKeyDown={(e) => {
                if (e.key === 'Enter') addRole();
              }}
            />
            <Button size="sm" onClick={addRole} disabled={!newRole.trim()}>
              Add role
            </Button>
          </div>
          {newRoleError && <p className="policy__error">{newRoleError}</p>}
          <Errors list={at('roles')} />
        </nav>

        {role && (
          <RoleEditor
            key={current}
            name={current}
            role={role}
            kind={
              Object.hasOwn(builtin, current)
                ? Object.hasOwn(draft.roles, current)
                  ? 'redefined'
                  : 'builtin'
                : 'custom'
            }
            holders={base.holders[current] ?? []}
            permissions={base.permissions}
            datasets={base.datasets}
            at={at}
            onEdit={(f) => editRole(current, f)}
            onRemove={() => removeRole(current)}
          />
        )}
      </div>

      <MasksEditor
        masks={draft.masks}
        datasets={base.datasets}
        permissions={base.permissions}
        at={at}
        onEdit={editMasks}
        onRemoveRow={() => setErrors([])}
      />
    </Card>
  );
}

function SourceLine({ source }: { source: PolicyResponse['source'] }) {
  const when = (iso?: string) => (iso ? `${iso.replace('T', ' ').slice(0, 16)} UTC` : '');
  if (source.kind === 'store')
    return (
      <span className="policy__source">
        Saved here by <strong>{source.actor}</strong> at {when(source.at)} (version {source.version}); the
        configuration's access.roles and access.masks do not apply.
      </span>
    );
  return (
    <span className="policy__source">
      From the configuration (access.roles and access.masks in mortar.yaml)
      {source.actor
        ? `; ${source.actor} returned to it at ${when(source.at)} (version ${source.version})`
        : ''}
      . Saving here replaces it until reset.
    </span>
  );
}

function RoleEditor(props: {
  name: string;
  role: PolicyRole;
  kind: 'builtin' | 'redefined' | 'custom';
  holders: string[];
  permissions: PolicyResponse['permissions'];
  datasets: PolicyResponse['datasets'];
  at: (anchor: string) => Detail[] | undefined;
  onEdit: (f: (r: PolicyRole) => PolicyRole) => void;
  onRemove: () => void;
}) {
  const { name, role, kind, holders, at, onEdit } = props;
  const path = `roles.${name}`;
  const help = Object.fromEntries(props.permissions.map((p) => [p.name, p.help]));
  const options = [
    ...props.permissions.map((p) => p.name),
    ...role.permissions.filter((p) => !Object.hasOwn(help, p)),
  ];
  const scopes = Object.entries(role.scopes ?? {});
  const unused = props.datasets.filter((d) => !Object.hasOwn(role.scopes ?? {}, d.name));
  const setScopes = (f: (s: [string, string[]][]) => [string, string[]][]) =>
    onEdit((r) => {
      const next = f(Object.entries(r.scopes ?? {}));
      const { scopes: _, ...rest } = r;
      return next.length ? { ...rest, scopes: Object.fromEntries(next) } : rest;
    });
  const held = holders.length > 0;
  return (
    <section className="policy__role" aria-label={`Role ${name}`}>
      <header className="policy__role-head">
        <h3>{name}</h3>
        <Badge tone={kind === 'custom' ? 'brand' : 'neutral'}>
          {kind === 'builtin' ? 'built-in' : kind === 'redefined' ? 'built-in, redefined' : 'custom'}
        </Badge>
        <span className="policy__holders">{held ? `held by ${holders.join(', ')}` : 'held by nobody'}</span>
        <span className="policy__spacer" />
        {kind === 'redefined' && (
          <Button size="sm" variant="ghost" onClick={props.onRemove}>
            Revert to built-in
          </Button>
        )}
        {kind === 'custom' && (
          <span title={held ? `Held by ${holders.join(', ')}: take the role from them first` : undefined}>
            <Button size="sm" variant="ghost" icon="close" onClick={props.onRemove} disabled={held}>
              Delete role
            </Button>
          </span>
        )}
      </header>
      {kind === 'builtin' && (
        <p className="access-page__note policy__small">
          The built-in definition; editing it redefines the role (revert at any time).
        </p>
      )}
      <Errors list={at(path)} />
      <label className="form-field policy__description">
        <span>Description</span>
        <input
          value={role.description ?? ''}
          onChange={(e) => {
            const v = e.target.value;
            onEdit((r) => {
              const { description: _, ...rest } = r;
              return v ? { ...rest, description: v } : rest;
            });
          }}
        />
      </label>
      <Errors list={at(`${path}.description`)} />
      <CheckboxGroup
        legend="Permissions"
        options={options}
        selected={role.permissions}
        help={help}
        onChange={(permissions) => onEdit((r) => ({ ...r, permissions }))}
      />
      <Errors list={at(`${path}.permissions`)} />

      <h4 className="policy__subhead">Row scopes</h4>
      <p className="access-page__note policy__small">
        Which rows this role may see, per dataset. Rules of a dataset must all hold; a user's roles add up. A
        dataset without rules is not limited by this role.
      </p>
      {scopes.map(([dataset, rules]) => {
        const ds = props.datasets.find((d) => d.name === dataset);
        const sp = `${path}.scopes.${dataset}`;
        return (
          <div key={dataset} className="policy__scope">
            <div className="policy__scope-head">
              <select
                className="policy__input"
                aria-label="Scope dataset"
                value={dataset}
                onChange={(e) => {
                  const to = e.target.value;
                  setScopes((s) => s.map(([k, v]) => [k === dataset ? to : k, v]));
                }}
              >
                {!ds && <option value={dataset}>{dataset}</option>}
                {props.datasets.map((d) => (
                  <option key={d.name} value={d.name} disabled={d.name !== dataset && !unused.includes(d)}>
                    {d.label} ({d.name})
                  </option>
                ))}
              </select>
              <span className="policy__spacer" />
              <Button
                size="sm"
                variant="ghost"
                onClick={() => setScopes((s) => s.filter(([k]) => k !== dataset))}
              >
                Remove scope
              </Button>
            </div>
            <Errors list={at(sp)} />
            {rules.map((rule, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: rules are plain strings edited in place; the index is their identity
              <div key={i} className="policy__rule">
                <div className="policy__rule-row">
                  <span className="policy__and">{i === 0 ? 'where' : 'and'}</span>
                  <input
                    className={`policy__input policy__rule-input ${at(`${sp}.${i}`) ? 'is-invalid' : ''}`}
                    aria-label={`${dataset} rule ${i + 1}`}
                    aria-invalid={at(`${sp}.${i}`) ? true : undefined}
                    placeholder="subsystem in [video, console]"
                    value={rule}
                    onChange={(e) => {
                      const v = e.target.value;
                      setScopes((s) =>
                        s.map(([k, rs]) => [k, k === dataset ? rs.map((x, j) => (j === i ? v : x)) : rs]),
                      );
                    }}
                  />
                  <Button
                    size="sm"
                    variant="ghost"
                    icon="close"
                    aria-label={`Remove ${dataset} rule ${i + 1}`}
                    title="Remove this rule"
                    onClick={() =>
                      setScopes((s) =>
                        s.map(([k, rs]) => [k, k === dataset ? rs.filter((_, j) => j !== i) : rs]),
                      )
                    }
                  />
                </div>
                {/* the fields are listed below the rules: no need to repeat them per error */}
                <Errors list={at(`${sp}.${i}`)} hints={false} />
              </div>
            ))}
            <div className="policy__scope-foot">
              <Button
                size="sm"
                onClick={() => setScopes((s) => s.map(([k, rs]) => [k, k === dataset ? [...rs, ''] : rs]))}
              >
                Add rule
              </Button>
              {ds && (
                <span className="policy__fields">
                  Fields: {ds.fields.join(', ')} · values: <code>x = a</code>, <code>x != a</code>,{' '}
                  <code>x in [a, b]</code>, <code>x not in [a, b]</code>, <code>{'{user.site}'}</code>
                </span>
              )}
            </div>
          </div>
        );
      })}
      {unused.length > 0 && (
        <Button
          size="sm"
          onClick={() => setScopes((s) => [...s, [unused[0]!.name, ['']]])}
          className="policy__add-scope"
        >
          Add a dataset scope
        </Button>
      )}
    </section>
  );
}

function MasksEditor(props: {
  masks: PolicyMask[];
  datasets: PolicyResponse['datasets'];
  permissions: PolicyResponse['permissions'];
  at: (anchor: string) => Detail[] | undefined;
  onEdit: (f: (m: PolicyMask[]) => PolicyMask[]) => void;
  onRemoveRow: () => void;
}) {
  const { masks, at, onEdit } = props;
  const set = (i: number, patch: Partial<PolicyMask>) =>
    onEdit((ms) => ms.map((m, j) => (j === i ? { ...m, ...patch } : m)));
  return (
    <>
      <h3 className="access-page__subhead">Masked fields</h3>
      <p className="access-page__note">
        A user whose roles lack the permission sees the field masked on every page, report and export.{' '}
        <code>attrs.&lt;name&gt;</code> stands for any attribute, e.g. <code>attrs.operator</code>.
      </p>
      <Errors list={at('masks')} />
      {props.datasets.map((d) => (
        <datalist key={d.name} id={`policy-fields-${d.name}`}>
          {d.textFields.map((f) => (
            <option key={f} value={f} />
          ))}
        </datalist>
      ))}
      <table className="access-matrix access-matrix--list policy__masks" aria-label="Masked fields">
        <thead>
          <tr>
            <th>Dataset</th>
            <th>Field</th>
            <th>Shown as</th>
            <th>Real value with</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {masks.map((m, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place; server errors name them by index
            <tr key={i}>
              <td>
                <select
                  className="policy__input"
                  aria-label={`Mask ${i + 1} dataset`}
                  value={m.dataset}
                  onChange={(e) => set(i, { dataset: e.target.value })}
                >
                  {!props.datasets.some((d) => d.name === m.dataset) && (
                    <option value={m.dataset}>{m.dataset}</option>
                  )}
                  {props.datasets.map((d) => (
                    <option key={d.name} value={d.name}>
                      {d.label} ({d.name})
                    </option>
                  ))}
                </select>
                <Errors list={at(`masks.${i}.dataset`)} />
              </td>
              <td>
                <input
                  className={`policy__input ${at(`masks.${i}.field`) ? 'is-invalid' : ''}`}
                  aria-label={`Mask ${i + 1} field`}
                  aria-invalid={at(`masks.${i}.field`) ? true : undefined}
                  list={`policy-fields-${m.dataset}`}
                  placeholder="attrs.operator"
                  value={m.field}
                  onChange={(e) => set(i, { field: e.target.value })}
                />
                <Errors list={at(`masks.${i}.field`)} />
              </td>
              <td>
                <select
                  className="policy__input"
                  aria-label={`Mask ${i + 1} shown as`}
                  value={m.mode}
                  onChange={(e) => set(i, { mode: e.target.value as PolicyMask['mode'] })}
                >
                  {Object.entries(MASK_LOOK).map(([mode, look]) => (
                    <option key={mode} value={mode}>
                      {look}
                    </option>
                  ))}
                </select>
                <Errors list={at(`masks.${i}.mode`)} />
              </td>
              <td>
                <select
                  className="policy__input"
                  aria-label={`Mask ${i + 1} real value with`}
                  value={m.unless}
                  onChange={(e) => set(i, { unless: e.target.value })}
                >
                  {!props.permissions.some((p) => p.name === m.unless) && (
                    <option value={m.unless}>{m.unless}</option>
                  )}
                  {props.permissions.map((p) => (
                    <option key={p.name} value={p.name} title={p.help}>
                      {p.name.replace(/_/g, ' ')}
                    </option>
                  ))}
                </select>
                <Errors list={at(`masks.${i}.unless`)} />
                <Errors list={at(`masks.${i}`)} />
              </td>
              <td className="policy__cell-act">
                <Button
                  size="sm"
                  variant="ghost"
                  icon="close"
                  aria-label={`Remove mask ${i + 1}`}
                  title="Remove this mask"
                  onClick={() => {
                    onEdit((ms) => ms.filter((_, j) => j !== i));
                    props.onRemoveRow();
                  }}
                />
              </td>
            </tr>
          ))}
          {masks.length === 0 && (
            <tr>
              <td colSpan={5} className="access-page__note">
                No field is masked.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <Button
        size="sm"
        className="policy__add-mask"
        onClick={() =>
          onEdit((ms) => [
            ...ms,
            { dataset: 'events', field: '', mode: 'partial', unless: 'view_personal_data' },
          ])
        }
      >
        Add mask
      </Button>
    </>
  );
}

function Errors({ list, hints = true }: { list: Detail[] | undefined; hints?: boolean }) {
  if (!list?.length) return null;
  return (
    <ul className="policy__errors">
      {list.map((d) => (
        <li key={`${d.where}:${d.message}`} className="policy__error">
          {d.message}
          {hints && d.hint && <span className="policy__hint"> — {d.hint}</span>}
        </li>
      ))}
    </ul>
  );
}

/**
 * Files each error under the most specific thing the editor shows that its path names:
 * "roles.op.permissions.3" goes to op's permissions, "roles.Op" (a name the schema refused) to the
 * role list, a path the editor has no place for only to the summary.
 */
function placeErrors(errors: Detail[], draft: Doc, roleNames: string[]): Map<string, Detail[]> {
  const anchors = new Set(['roles', 'masks']);
  for (const r of roleNames) {
    for (const k of ['', '.description', '.permissions']) anchors.add(`roles.${r}${k}`);
    for (const [ds, rules] of Object.entries(draft.roles[r]?.scopes ?? {})) {
      anchors.add(`roles.${r}.scopes.${ds}`);
      for (let i = 0; i < rules.length; i++) anchors.add(`roles.${r}.scopes.${ds}.${i}`);
    }
  }
  draft.masks.forEach((_, i) => {
    for (const k of ['', '.dataset', '.field', '.mode', '.unless']) anchors.add(`masks.${i}${k}`);
  });
  const placed = new Map<string, Detail[]>();
  for (const d of errors) {
    const parts = d.where.split('.');
    for (let n = parts.length; n > 0; n--) {
      const a = parts.slice(0, n).join('.');
      if (anchors.has(a)) {
        placed.set(a, [...(placed.get(a) ?? []), d]);
        break;
      }
    }
  }
  return placed;
}
