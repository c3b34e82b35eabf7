// Left navigation: the pages of the cockpit; those not built yet are listed, disabled, as "soon".
import { linkHandler } from '../lib/router.ts';
import { Icon, type IconName } from '../ui/Icon.tsx';
import './SideNav.css';

interface NavItem {
  label: string;
  icon: IconName;
  href?: string;
  /** One line on what the page will answer, shown as a tooltip while it is not built. */
  soon?: string;
}

const ITEMS: NavItem[] = [
  { label: 'Events', icon: 'events', href: '/events' },
  { label: 'Topology', icon: 'topology', soon: 'How the subsystems are connected' },
  { label: 'Health', icon: 'health', soon: 'Health per component, rolled up' },
  { label: 'Alerts', icon: 'alerts', soon: 'How quickly alerts move, stuck and lost ones' },
  { label: 'Reports', icon: 'reports', soon: 'Declared reports with filters and drill-down' },
  { label: 'Catalog', icon: 'catalog', soon: 'What each source produces' },
];

export function SideNav({ pathname }: { pathname: string }) {
  const active = pathname === '/' ? '/events' : pathname;
  return (
    <nav className="sidenav" aria-label="Main">
      <div className="sidenav__sticky">
        <div className="sidenav__section">Monitor</div>
        <ul className="sidenav__list">
          {ITEMS.map((item) =>
            item.href ? (
              <li key={item.label}>
                <a
                  href={item.href}
                  onClick={linkHandler(item.href)}
                  className={active === item.href ? 'sidenav__item is-active' : 'sidenav__item'}
                  aria-current={active === item.href ? 'page' : undefined}
                >
                  <Icon name={item.icon} size={18} />
                  {item.label}
                </a>
              </li>
            ) : (
              <li key={item.label}>
                <span
                  className="sidenav__item is-disabled"
                  aria-disabled="true"
                  title={`${item.soon} (coming soon)`}
                >
                  <Icon name={item.icon} size={18} />
                  {item.label}
                  <span className="sidenav__soon">Soon</span>
                </span>
              </li>
            ),
          )}
        </ul>
      </div>
    </nav>
  );
}
