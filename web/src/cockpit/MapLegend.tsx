// The map's legend: what the edge styles and widths mean, and the slot for node health, which the
// health engine will fill (nodes stay neutral until then).
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
      <span
        className="map-legend__item map-legend__health"
        title="Health per component, rolled up, comes with the health engine"
      >
        <span className="map-legend__bar" />
        Health: not measured yet
      </span>
    </div>
  );
}
