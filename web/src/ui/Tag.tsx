// Tag: a small static label (a parser name, a stage) or, with `name`, a key/value pair such as a
// correlation key `evt 1010`. Monospace by default, because tags name things from configurations.
import type { ReactNode } from 'react';
import './Tag.css';

export interface TagProps {
  /** The key of a key/value tag, shown in a muted cell before the value. */
  name?: string;
  tone?: 'neutral' | 'brand' | 'danger' | 'muted';
  mono?: boolean;
  title?: string;
  children: ReactNode;
}

export function Tag({ name, tone = 'neutral', mono = true, title, children }: TagProps) {
  return (
    <span className={`tag tag--${tone} ${mono ? 'tag--mono' : ''}`} title={title}>
      {name !== undefined && <span className="tag__name">{name}</span>}
      <span className="tag__value">{children}</span>
    </span>
  );
}
