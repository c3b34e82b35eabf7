// The try-out box: paste sample lines, run them through this pipeline on the server (POST
// /api/pipelines/:name/try; nothing is stored) and see, in input order, what each became. The text
// survives live refreshes, other pages and reloads (sessionStorage); the last answer survives moving
// between pages while the app is open.
import { useEffect, useRef, useState } from 'react';
import type { EventsResponse, PipelineInfo, TryResponse } from '../../../src/api/types.ts';
import { ApiError, apiUrl, postJson } from '../lib/api.ts';
import { formatCount, formatTime } from '../lib/format.ts';
import { useApi } from '../lib/useApi.ts';
import { Badge } from '../ui/Badge.tsx';
import { Button } from '../ui/Button.tsx';
import { Card } from '../ui/Card.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { Segmented } from '../ui/Segmented.tsx';
import { Spinner } from '../ui/Spinner.tsx';
import { TextArea } from '../ui/TextArea.tsx';
import { TryResults } from './TryResults.tsx';
import { byteLength, type TryRecord, tryRecords } from './tryRecords.ts';
import { loadTryText, onTryTextOffered, saveTryText, takeOffered } from './tryText.ts';
import './TryOut.css';

const MAX_BYTES = 1 << 20;
const SAMPLE_LINES = 5;

interface Ran {
  text: string;
  response: TryResponse;
  records: TryRecord[];
  at: number;
}

/** The last answer per pipeline while the app is open. */
const lastRuns = new Map<string, Ran>();

type Show = 'all' | 'event' | 'dead_letter' | 'filtered';

export function TryOut({ pipeline }: { pipeline: PipelineInfo }) {
  const name = pipeline.name;
  const [text, setTextState] = useState(() => loadTryText(name));
  const [ran, setRan] = useState<Ran | undefined>(() => lastRuns.get(name));
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<ApiError | Error | undefined>();
  const [show, setShow] = useState<Show>('all');
  const box = useRef<HTMLTextAreaElement>(null);
  const inFlight = useRef<AbortController | null>(null);
  useEffect(() => () => inFlight.current?.abort(), []);

  // Text offered by "Try this line" on a dead letter: show it, and bring the box into view.
  useEffect(() => {
    const focus = () => {
      box.current?.scrollIntoView({ block: 'center' });
      box.current?.focus({ preventScroll: true });
    };
    if (takeOffered(name)) focus();
    return onTryTextOffered((p) => {
      if (p !== name || !takeOffered(name)) return;
      setTextState(loadTryText(name));
      focus();
    });
  }, [name]);

  // Recent raw lines of this pipeline: an example in the placeholder and the "Insert recent lines" button.
  const recent = useApi<EventsResponse>(apiUrl('events', { subsystem: pipeline.subsystem, limit: 50 }));
  const samples = (recent.data?.rows ?? [])
    .filter((r) => r.pipeline === name && r.raw)
    .slice(0, SAMPLE_LINES)
    .map((r) => r.raw)
    .reverse();

  const setText = (t: string) => {
    setTextState(t);
    saveTryText(name, t);
  };

  const run = async () => {
    if (running) return;
    if (!text.trim()) {
      setError(new Error('Paste at least one line to try.'));
      box.current?.focus();
      return;
    }
    if (byteLength(text) > MAX_BYTES) {
      setError(
        new Error('The sample is larger than 1 MiB. Try fewer lines; mortar parse takes whole files.'),
      );
      return;
    }
    inFlight.current?.abort();
    const ctrl = new AbortController();
    inFlight.current = ctrl;
    setRunning(true);
    setError(undefined);
    try {
      const response = await postJson<TryResponse>(
        `/api/pipelines/${encodeURIComponent(name)}/try`,
        { text },
        ctrl.signal,
      );
      const next = { text, response, records: tryRecords(text, response), at: Date.now() };
      lastRuns.set(name, next);
      setRan(next);
      setShow('all');
    } catch (err) {
      if (!ctrl.signal.aborted) setError(err as Error);
    } finally {
      if (inFlight.current === ctrl) {
        inFlight.current = null;
        setRunning(false);
      }
    }
  };

  const insertSamples = () => {
    const lines = samples.join('\n');
    setText(text && !text.endsWith('\n') ? `${text}\n${lines}` : text + lines);
    box.current?.focus();
  };

  const placeholder = [
    `Paste sample lines from a ${pipeline.subsystem} log here, one record per line${samples[0] ? ', e.g.' : '.'}`,
    ...(samples[0] ? [samples[0]] : []),
    '',
    'Ctrl+Enter runs them through framing, parsers, transforms and map. Nothing is stored.',
  ].join('\n');

  const counts = ran?.response.counts;
  const shownRecords = ran
    ? show === 'all'
      ? ran.records
      : ran.records.filter((r) => r.result.kind === show)
    : [];
  const lineCount = text ? text.split('\n').filter((l, i, a) => l !== '' || i < a.length - 1).length : 0;

  return (
    <Card
      title="Try sample lines"
      subtitle="Runs pasted text through this pipeline on the server, exactly as ingest would, without storing anything."
      className="try-card"
    >
      <div id="try" className="try-out" data-testid="try-out">
        <TextArea
          ref={box}
          label={`Sample lines for ${name}`}
          value={text}
          onChange={setText}
          onSubmit={run}
          placeholder={placeholder}
          rows={7}
          data-testid="try-input"
        />
        <div className="try-out__bar">
          <div className="try-out__actions">
            <Button variant="primary" icon="play" onClick={run} disabled={running} data-testid="try-run">
              Try
            </Button>
            <span className="try-out__kbd">
              <kbd>Ctrl</kbd>+<kbd>Enter</kbd>
            </span>
            {running && <Spinner size="sm" label="Trying" />}
          </div>
          <div className="try-out__actions">
            <span className="try-out__meta">
              {text ? `${formatCount(lineCount)} line${lineCount === 1 ? '' : 's'}` : ''}
            </span>
            <Button
              size="sm"
              variant="ghost"
              onClick={insertSamples}
              disabled={samples.length === 0}
              title={
                samples.length
                  ? `Append the latest ${samples.length} lines ${name} read`
                  : 'No lines read yet'
              }
            >
              Insert recent lines
            </Button>
            <Button size="sm" variant="ghost" icon="close" onClick={() => setText('')} disabled={!text}>
              Clear
            </Button>
          </div>
        </div>

        {error && <TryError error={error} />}

        {ran && counts && (
          <div className="try-out__results" aria-busy={running}>
            <div
              className="try-out__summary"
              data-testid="try-summary"
              data-events={counts.events}
              data-dead-letters={counts.deadLetters}
              data-filtered={counts.filtered}
            >
              <div className="try-out__counts">
                <Badge tone="ok">
                  {formatCount(counts.events)} event{counts.events === 1 ? '' : 's'}
                </Badge>
                <Badge tone={counts.deadLetters > 0 ? 'danger' : 'neutral'}>
                  {formatCount(counts.deadLetters)} dead letter{counts.deadLetters === 1 ? '' : 's'}
                </Badge>
                <Badge>{formatCount(counts.filtered)} filtered</Badge>
                <span className="try-out__meta">
                  tried at {formatTime(new Date(ran.at).toISOString(), false, false)}
                  {ran.text !== text && ' · the text changed since'}
                </span>
              </div>
              {ran.records.length > 1 && (
                <Segmented<Show>
                  label="Show"
                  value={show}
                  onChange={setShow}
                  options={[
                    { value: 'all', label: `All ${ran.records.length}` },
                    { value: 'event', label: 'Events' },
                    { value: 'dead_letter', label: 'Dead letters' },
                    { value: 'filtered', label: 'Filtered' },
                  ]}
                />
              )}
            </div>
            {ran.records.length === 0 ? (
              <EmptyState compact title="No records">
                The text framed into no records (only empty lines?).
              </EmptyState>
            ) : shownRecords.length === 0 ? (
              <EmptyState compact title="None of this kind">
                Show all to see the other records.
              </EmptyState>
            ) : (
              <TryResults key={`${ran.at}|${show}`} records={shownRecords} />
            )}
          </div>
        )}
        {!ran && !error && (
          <p className="try-out__hint">
            Results appear here in input order: each line as the event it becomes, a dead letter with its
            stage and reason, or filtered.
          </p>
        )}
      </div>
    </Card>
  );
}

function TryError({ error }: { error: Error }) {
  const details = error instanceof ApiError ? error.details : [];
  return (
    <div className="try-out__error" role="alert" data-testid="try-error">
      <b>
        {error instanceof ApiError && error.code !== 'network'
          ? 'The server could not try this text'
          : 'Not tried'}
      </b>
      <span>{error.message}</span>
      {details.map((d) => (
        <span key={d.where} className="try-out__error-detail">
          <code>{d.where}</code>: {d.message}
          {d.hint ? ` (${d.hint})` : ''}
        </span>
      ))}
    </div>
  );
}
