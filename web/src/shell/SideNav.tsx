// Left navigation: the pages of the cockpit in groups; those not built yet are listed, disabled, as
// "soon". An item stays highlighted on its sub-pages (a pipeline's page under Pipelines).
import { can, useMe } from '../access/session.tsx';
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
      { label: 'Subsystems', icon: 'health', href: '/subsystems' },
      { label: 'Events', icon: 'events', href: '/events' },
      { label: 'Alert flows', icon: 'alerts', href: '/flows' },
      { label: 'Reports', icon: 'reports', href: '/reports' },
      { label: 'Catalog', icon: 'catalog', href: '/catalog' },
      { label: 'Patterns', icon: 'search', href: '/patterns' },
      { label: 'Links', icon: 'arrowRight', href: '/links' },
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

/** The feature permission a page needs (the server enforces it; the menu only hides what would be refused). */
const PERMISSION_OF: Record<string, string> = {
  '/events': 'view_raw',
  '/dead-letters': 'view_dead_letters',
  '/reports': 'view_reports',
  '/admin': 'manage_users',
  '/audit': 'view_audit',
};

const ACCOUNT_GROUP = {
  label: 'Access',
  items: [
    { label: 'Account', icon: 'user', href: '/account' },
    { label: 'Users and roles', icon: 'users', href: '/admin' },
    { label: 'Audit log', icon: 'audit', href: '/audit' },
  ] as NavItem[],
};

function isActive(pathname: string, href: string): boolean {
  const path = pathname === '/' ? '/events' : pathname.replace(/\/$/, '');
  return path === href || path.startsWith(`${href}/`);
}

export function SideNav({ pathname }: { pathname: string }) {
  const me = useMe();
  const groups = (me.enabled ? [...GROUPS, ACCOUNT_GROUP] : GROUPS)
    .map((g) => ({
      ...g,
      items: g.items.filter((i) => {
        const p = i.href && (PERMISSION_OF[i.href] ?? (i.href === '/account' ? undefined : 'view_cockpit'));
        return !p || can(me, p);
      }),
    }))
    .filter((g) => g.items.length > 0);
  return (
    <nav className="sidenav" aria-label="Main">
      <div className="sidenav__sticky">
        {groups.map((group) => (
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
