// Page header: an optional trail back to the parent page, the title (with something beside it such as
// a status badge), one line on what the page shows, and controls on the right.
import type { ReactNode } from 'react';
import { linkHandler } from '../lib/router.ts';
import { Icon } from './Icon.tsx';
import './PageHeader.css';

export interface PageHeaderProps {
  title: ReactNode;
  subtitle?: ReactNode;
  /** Beside the title, e.g. a status badge. */
  aside?: ReactNode;
  actions?: ReactNode;
  back?: { href: string; label: string };
}

export function PageHeader({ title, subtitle, aside, actions, back }: PageHeaderProps) {
  return (
    <div className="page-header">
      <div className="page-header__main">
        {back && (
          <a className="page-header__back" href={back.href} onClick={linkHandler(back.href)}>
            <Icon name="chevronLeft" size={14} />
            {back.label}
          </a>
        )}
        <div className="page-header__title-row">
          <h1 className="page-header__title">{title}</h1>
          {aside}
        </div>
        {subtitle && <p className="page-header__subtitle">{subtitle}</p>}
      </div>
      {actions && <div className="page-header__actions">{actions}</div>}
    </div>
  );
}
