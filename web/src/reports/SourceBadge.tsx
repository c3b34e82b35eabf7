// Where a report's definition comes from: shipped with Mortar, the configuration files, or a user.
import { Badge, type BadgeTone } from '../ui/Badge.tsx';
import type { ReportSource } from './reportTypes.ts';

const LABEL: Record<ReportSource, [string, BadgeTone, string]> = {
  builtin: ['Built-in', 'brand', 'Shipped with Mortar'],
  config: ['Config', 'neutral', 'Declared in the configuration files'],
  user: ['User', 'ok', 'Created in the web UI'],
};

export function SourceBadge({ source }: { source: ReportSource }) {
  const [label, tone, title] = LABEL[source] ?? [source, 'neutral', source];
  return (
    <Badge tone={tone} title={title}>
      {label}
    </Badge>
  );
}
