// One source (pipeline) of the catalog: its event types as rows (events, per-minute rate over the
// last hour, field count, last seen); a type opens to its fields table.
import { useState } from 'react';
import type { CatalogSource } from '../../../src/api/types.ts';
import { formatCount, formatTime } from '../lib/format.ts';
import { subsystemColor } from '../lib/subsystemColor.ts';
import { Badge } from '../ui/Badge.tsx';
import { Card } from '../ui/Card.tsx';
import { Icon } from '../ui/Icon.tsx';
import { Sparkline } from '../ui/Sparkline.tsx';
import { FieldsTable } from './FieldsTable.tsx';
import './SourceCard.css';

export function SourceCard({ source, openAll }: { source: CatalogSource; openAll: boolean }) {
  const [open, setOpen] = useState<Set<string>>(() => new Set(source.types.slice(0, 1).map((t) => t.type)));
  const toggle = (type: string) =>
    setOpen((s) => {
      const next = new Set(s);
      if (next.has(type)) next.delete(type);
      else next.add(type);
      return next;
    });
  return (
    <Card
      className="cat-source"
      title={
        <span className="cat-source__title">
          <span className="cat-source__swatch" style={{ background: subsystemColor(source.subsystem) }} />
          {source.pipeline}
          {source.subsystem !== source.pipeline && (
            <span className="cat-source__sub">subsystem {source.subsystem}</span>
          )}
        </span>
      }
      subtitle={`${formatCount(source.events)} events in ${source.types.length} types · first ${formatTime(source.firstSeen, true, false)} · last ${formatTime(source.lastSeen, true, false)}`}
      flush
    >
      <div className="cat-types" data-source={source.pipeline}>
        {source.types.map((t) => {
          const isOpen = openAll || open.has(t.type);
          return (
            <section key={t.type} className={`cat-type-row${isOpen ? ' is-open' : ''}`} data-type={t.type}>
              <button
                type="button"
                className="cat-type-row__head"
                aria-expanded={isOpen}
                onClick={() => toggle(t.type)}
              >
                <Icon name="chevronRight" size={16} className="cat-type-row__chevron" />
                <code className="cat-type-row__name">{t.type}</code>
                {t.collapsed && <Badge tone="danger">rate collapsed</Badge>}
                <span className="cat-type-row__meta">{formatCount(t.events)} events</span>
                <span className="cat-type-row__meta">{t.fields.length} fields</span>
                <Sparkline
                  values={t.rates}
                  width={120}
                  height={24}
                  tone={t.collapsed ? 'danger' : 'brand'}
                  label={`${t.type}: events per minute over the last hour`}
                />
                <span className="cat-type-row__meta cat-type-row__last">
                  last {formatTime(t.lastSeen, false, false)}
                </span>
              </button>
              {isOpen && (
                <FieldsTable fields={t.fields} label={`Fields of ${t.type} in ${source.pipeline}`} />
              )}
            </section>
          );
        })}
      </div>
    </Card>
  );
}
