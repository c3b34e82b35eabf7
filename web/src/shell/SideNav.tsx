// Left navigation: the pages of the cockpit in groups; those not built yet are listed, disabled, as
// "soon". An item stays highlighted on its sub-pages (a pipeline's page under Pipelines).
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

const GROUPS: { label: string; items: NavItem[] }[] = [
  {
    label: 'Monitor',
    items: [
      { label: 'Cockpit', icon: 'topology', href: '/cockpit' },
      { label: 'Events', icon: 'events', href: '/events' },
      { label: 'Health', icon: 'health', soon: 'Health per component, rolled up' },
      { label: 'Alert flows', icon: 'alerts', href: '/flows' },
      { label: 'Reports', icon: 'reports', soon: 'Declared reports with filters and drill-down' },
      { label: 'Catalog', icon: 'catalog', soon: 'What each source produces' },
    ],
  },
  {
    label: 'Capture',
    items: [
      { label: 'Pipelines', icon: 'pipeline', href: '/pipelines' },
      { label: 'Dead letters', icon: 'letter', href: '/dead-letters' },
    ],
  },
];

function isActive(pathname: string, href: string): boolean {
  const path = pathname === '/' ? '/events' : pathname.replace(/\/$/, '');
  return path === href || path.startsWith(`${href}/`);
}

export function SideNav({ pathname }: { pathname: string }) {
  return (
    <nav className="sidenav" aria-label="Main">
      <div className="sidenav__sticky">
        {GROUPS.map((group) => (
          <NavGroup key={group.label} label={group.label} items={group.items} pathname={pathname} />
        ))}
      </div>
    </nav>
  );
}

function NavGroup({ label, items, pathname }: { label: string; items: NavItem[]; pathname: string }) {
  return (
    <>
      <div className="sidenav__section">{label}</div>
      <ul className="sidenav__list">
        {items.map((item) => {
          const active = item.href !== undefined && isActive(pathname, item.href);
          return item.href ? (
            <li key={item.label}>
              <a
                href={item.href}
                onClick={linkHandler(item.href)}
                className={active ? 'sidenav__item is-active' : 'sidenav__item'}
                aria-current={active ? 'page' : undefined}
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
          );
        })}
      </ul>
    </>
  );
}
