// EmptyState: what a panel shows when it has nothing (no data, an error, still loading).
import type { ReactNode } from 'react';
import { Icon, type IconName } from './Icon.tsx';
import './EmptyState.css';

export interface EmptyStateProps {
  icon?: IconName;
  title: string;
  children?: ReactNode;
  action?: ReactNode;
  tone?: 'default' | 'danger';
  compact?: boolean;
}

export function EmptyState({
  icon = 'inbox',
  title,
  children,
  action,
  tone = 'default',
  compact,
}: EmptyStateProps) {
  return (
    <div
      className={`empty empty--${tone} ${compact ? 'empty--compact' : ''}`}
      role={tone === 'danger' ? 'alert' : undefined}
    >
      <div className="empty__icon">
        <Icon name={icon} size={22} />
      </div>
      <div className="empty__title">{title}</div>
      {children && <div className="empty__text">{children}</div>}
      {action && <div className="empty__action">{action}</div>}
    </div>
  );
}
