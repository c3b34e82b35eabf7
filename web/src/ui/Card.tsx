// Card: a bordered surface with an optional header (title, subtitle, actions on the right).
import type { ReactNode } from 'react';
import './Card.css';

export interface CardProps {
  title?: ReactNode;
  subtitle?: ReactNode;
  actions?: ReactNode;
  /** Drop the body padding, e.g. for a table that runs edge to edge. */
  flush?: boolean;
  className?: string;
  children?: ReactNode;
}

export function Card({ title, subtitle, actions, flush, className, children }: CardProps) {
  return (
    <section className={`card ${className ?? ''}`}>
      {(title || actions) && (
        <header className="card__header">
          <div className="card__titles">
            {title && <h2 className="card__title">{title}</h2>}
            {subtitle && <p className="card__subtitle">{subtitle}</p>}
          </div>
          {actions && <div className="card__actions">{actions}</div>}
        </header>
      )}
      <div className={flush ? 'card__body card__body--flush' : 'card__body'}>{children}</div>
    </section>
  );
}
