// The map's legend: what the edge styles and widths mean, and the health colours of the nodes.
import { HEALTH_LABEL, HEALTH_STATES, healthColor } from '../subsystem/health.ts';
import type { MapLevel } from './cockpitQuery.ts';
import './MapLegend.css';

export function MapLegend({ level }: { level: MapLevel }) {
  return (
    <div className="map-legend" data-testid="map-legend">
      <span className="map-legend__item">
        <svg width="28" height="8" aria-hidden="true">
          <line x1="1" y1="4" x2="27" y2="4" className="map-legend__ok" />
        </svg>
        OK: declared, alerts seen
      </span>
      <span className="map-legend__item">
        <svg width="28" height="8" aria-hidden="true">
          <line x1="1" y1="4" x2="27" y2="4" className="map-legend__silent" />
        </svg>
        Silent: declared, no alerts
      </span>
      <span className="map-legend__item">
        <svg width="28" height="8" aria-hidden="true">
          <line x1="1" y1="4" x2="27" y2="4" className="map-legend__undeclared" />
        </svg>
        Undeclared: seen, not declared
      </span>
      <span className="map-legend__item">
        <svg width="34" height="12" aria-hidden="true">
          <path d="M1 9 L33 3 L33 9 Z" className="map-legend__wedge" />
        </svg>
        Thickness: alerts in the window
      </span>
      {level === 'subsystem' && (
        <span className="map-legend__item">p95 · lost: hop latency and share of alerts lost on the edge</span>
      )}
      <span className="map-legend__item map-legend__health" title="Health at the end of the window">
        Health:
        {HEALTH_STATES.map((h) => (
          <span key={h} className="map-legend__state">
            <span className="map-legend__bar" style={{ background: healthColor(h) }} />
            {HEALTH_LABEL[h]}
          </span>
        ))}
      </span>
    </div>
  );
}
