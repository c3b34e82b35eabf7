// One candidate edge: from -> to with its confidence and status, the evidence per key, the
// accept / dismiss actions, and the YAML that makes an accepted link permanent.
import { useState } from 'react';
import type { LinkCandidate, LinkDecisionResponse } from '../../../src/api/types.ts';
import { ApiError, postJson } from '../lib/api.ts';
import { formatTime } from '../lib/format.ts';
import { subsystemColor } from '../lib/subsystemColor.ts';
import { Badge, type BadgeTone } from '../ui/Badge.tsx';
import { Button } from '../ui/Button.tsx';
import { Card } from '../ui/Card.tsx';
import { KeyEvidence } from './KeyEvidence.tsx';
import './CandidateCard.css';

const STATUS_TONE: Record<LinkCandidate['status'], BadgeTone> = {
  proposed: 'brand',
  accepted: 'ok',
  dismissed: 'neutral',
};

export function CandidateCard({ c, onDecided }: { c: LinkCandidate; onDecided: (c: LinkCandidate) => void }) {
  const [busy, setBusy] = useState<'accept' | 'dismiss' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [showYaml, setShowYaml] = useState(false);
  const decide = async (action: 'accept' | 'dismiss') => {
    setBusy(action);
    setError(null);
    try {
      const r = await postJson<LinkDecisionResponse>(`/api/links/${c.id}/${action}`, {});
      onDecided(r.candidate);
      if (action === 'accept') setShowYaml(true);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  };
  const node = (name: string) => (
    <span className="cand__node">
      <span className="cand__swatch" style={{ background: subsystemColor(name) }} />
      {name}
    </span>
  );
  return (
    <Card
      className={`cand cand--${c.status}`}
      title={
        <span className="cand__title" data-link={`${c.from}>${c.to}`}>
          {node(c.from)}
          <span className="cand__arrow">→</span>
          {node(c.to)}
        </span>
      }
      subtitle={
        c.decidedAt
          ? `${c.status === 'accepted' ? 'Accepted' : 'Dismissed'} by ${c.decidedBy} at ${formatTime(c.decidedAt, true, false)}${c.decidedKey ? ` · ${c.decidedKey}` : ''}`
          : `${c.keys.length} candidate key${c.keys.length === 1 ? '' : 's'}`
      }
      actions={
        <>
          {c.declared && (
            <Badge tone="neutral" title="This edge is already declared in the configuration">
              declared
            </Badge>
          )}
          <Badge tone={STATUS_TONE[c.status]}>{c.status}</Badge>
          <span className="cand__confidence" title="overlap × close in time × direction">
            {Math.round(c.confidence * 100)}%
          </span>
        </>
      }
    >
      {c.keys.length === 0 ? (
        <p className="cand__note">No shared values in the current window; the decision stays.</p>
      ) : (
        c.keys.map((k) => <KeyEvidence key={`${k.fromField}>${k.toField}`} k={k} from={c.from} to={c.to} />)
      )}
      <div className="cand__actions">
        <Button
          variant={c.status === 'accepted' ? 'secondary' : 'primary'}
          size="sm"
          icon="arrowRight"
          disabled={busy !== null || c.status === 'accepted'}
          onClick={() => decide('accept')}
        >
          {c.status === 'accepted' ? 'Accepted' : 'Accept as edge'}
        </Button>
        <Button
          variant="ghost"
          size="sm"
          disabled={busy !== null || c.status === 'dismissed'}
          onClick={() => decide('dismiss')}
        >
          Dismiss
        </Button>
        <Button
          variant="ghost"
          size="sm"
          icon="file"
          onClick={() => setShowYaml((s) => !s)}
          aria-expanded={showYaml}
        >
          {showYaml ? 'Hide YAML' : 'Show YAML'}
        </Button>
        {error && (
          <span className="cand__error" role="alert">
            {error}
          </span>
        )}
      </div>
      {showYaml && (
        <div className="cand__yaml">
          <p className="cand__note">
            {c.status === 'accepted'
              ? 'Accepted: the edge is in the topology now. Paste this into the configuration to keep it for good:'
              : 'Accepting adds this edge to the topology. To keep it in the configuration:'}
          </p>
          <pre data-yaml="edge">{c.yaml.edge}</pre>
          {c.yaml.flow && (
            <>
              <p className="cand__note">And a flow that follows each id across the two (optional):</p>
              <pre data-yaml="flow">{c.yaml.flow}</pre>
            </>
          )}
        </div>
      )}
    </Card>
  );
}
