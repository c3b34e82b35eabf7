// The open pattern of a source: when it was first and last seen, how many messages it has, and a
// few example messages as they were written.
import type { PatternDetailResponse } from '../../../src/api/types.ts';
import { apiUrl } from '../lib/api.ts';
import { formatCount, formatTime } from '../lib/format.ts';
import { useApi } from '../lib/useApi.ts';
import { Spinner } from '../ui/Spinner.tsx';

export function PatternExamples({ pipeline, id }: { pipeline: string; id: string }) {
  const detail = useApi<PatternDetailResponse>(
    apiUrl(`patterns/${encodeURIComponent(id)}`, { source: pipeline }),
  );
  const s = detail.data?.sources.find((x) => x.pipeline === pipeline);
  if (detail.error)
    return <p className="patterns__note">The examples could not be loaded: {detail.error.message}</p>;
  if (!s) return <Spinner size="sm" label="Loading examples" />;
  return (
    <div className="pattern-examples" data-testid="pattern-examples">
      <p className="patterns__note">
        {formatCount(s.total)} messages since {formatTime(s.firstSeen, true, false)}, last at{' '}
        {formatTime(s.lastSeen, true, false)} · template id <code>{s.id}</code>
      </p>
      <ul className="pattern-examples__list">
        {s.examples.map((e) => (
          <li key={e}>
            <code>{e}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}
