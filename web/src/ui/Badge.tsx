// Badge: a short label in a tone; severities have their own colour scale (syslog order).
import type { ReactNode } from 'react';
import './Badge.css';

export type BadgeTone = 'neutral' | 'brand' | 'ok' | 'warn' | 'danger';

const SEVERITY_TONE: Record<string, string> = {
  debug: 'sev-debug',
  info: 'sev-info',
  notice: 'sev-notice',
  warning: 'sev-warning',
  error: 'sev-error',
  critical: 'sev-critical',
  alert: 'sev-critical',
  emergency: 'sev-critical',
};

export interface BadgeProps {
  tone?: BadgeTone;
  /** Colour the badge by a severity name instead of a tone. */
  severity?: string;
  children: ReactNode;
  title?: string;
}

export function Badge({ tone = 'neutral', severity, children, title }: BadgeProps) {
  const variant = severity ? (SEVERITY_TONE[severity] ?? 'sev-info') : tone;
  return (
    <span className={`badge badge--${variant}`} title={title}>
      {children}
    </span>
  );
}
