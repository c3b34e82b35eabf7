// Saved views of a report: the current URL query saved under a name, and the list of saved ones to
// apply (each is just a query string for this report's page).
import { type FormEvent, useState } from 'react';
import { postJson } from '../lib/api.ts';
import { navigate } from '../lib/router.ts';
import { useApi } from '../lib/useApi.ts';
import { Button } from '../ui/Button.tsx';
import { Popover } from './Popover.tsx';
import type { SavedViewsResponse } from './reportTypes.ts';

export function SavedViews({ reportId, search }: { reportId: string; search: string }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [saved, setSaved] = useState(0);
  const [error, setError] = useState<string | undefined>();
  const base = `/api/reports/${encodeURIComponent(reportId)}/views`;
  const views = useApi<SavedViewsResponse>(open ? base : null, saved);
  const query = search.replace(/^\?/, '');
  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return;
    try {
      await postJson(base, { name: name.trim(), query });
      setName('');
      setError(undefined);
      setSaved((n) => n + 1);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <Popover
      open={open}
      onOpenChange={setOpen}
      align="right"
      trigger={
        <Button size="sm" data-testid="saved-views" aria-expanded={open}>
          Views
        </Button>
      }
    >
      <div className="report-views" data-testid="saved-views-panel">
        <div className="report-views__title">Saved views</div>
        {views.error && <p className="report-views__error">{views.error.message}</p>}
        {views.data?.views.length === 0 && (
          <p className="report-views__empty">None yet. Save the filters you use often.</p>
        )}
        <ul className="report-views__list">
          {views.data?.views.map((v) => (
            <li key={v.name}>
              <button
                type="button"
                className={v.query === query ? 'report-views__item is-current' : 'report-views__item'}
                onClick={() => {
                  navigate(`/reports/${encodeURIComponent(reportId)}${v.query ? `?${v.query}` : ''}`);
                  setOpen(false);
                }}
              >
                {v.name}
              </button>
            </li>
          ))}
        </ul>
        <form className="report-views__form" onSubmit={save}>
          <input
            className="report-input"
            placeholder="Name this view"
            aria-label="Name of the view"
            value={name}
            onChange={(e) => setName(e.target.value)}
            data-testid="view-name"
          />
          <Button size="sm" variant="primary" type="submit" disabled={!name.trim()}>
            Save
          </Button>
        </form>
        {error && <p className="report-views__error">{error}</p>}
      </div>
    </Popover>
  );
}
