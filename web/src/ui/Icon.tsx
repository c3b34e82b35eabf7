// A small set of line icons (24x24 viewBox, stroke = currentColor) drawn inline, no icon font.
import type { SVGProps } from 'react';

const PATHS = {
  events: 'M4 6h16M4 12h16M4 18h10',
  topology:
    'M6 7a2 2 0 1 0 0-.01M18 7a2 2 0 1 0 0-.01M12 18a2 2 0 1 0 0-.01M7.5 8.5l3.5 7.5M16.5 8.5L13 16M8 7h8',
  health: 'M3 12h4l2-5 4 10 2-5h6',
  alerts: 'M12 4a5 5 0 0 0-5 5v3.5L5.5 16h13L17 12.5V9a5 5 0 0 0-5-5zM10 19a2 2 0 0 0 4 0',
  reports: 'M5 20V10M12 20V4M19 20v-7',
  catalog:
    'M4 5.5C4 4.7 4.7 4 5.5 4H10l2 2h6.5c.8 0 1.5.7 1.5 1.5v11c0 .8-.7 1.5-1.5 1.5h-13C4.7 20 4 19.3 4 18.5z',
  search: 'M11 5a6 6 0 1 0 0 12 6 6 0 0 0 0-12zM20 20l-4.5-4.5',
  close: 'M6 6l12 12M18 6L6 18',
  chevronRight: 'M9 6l6 6-6 6',
  chevronLeft: 'M15 6l-6 6 6 6',
  refresh: 'M20 11a8 8 0 1 0-2.3 5.7M20 5v6h-6',
  alert: 'M12 4l9 16H3zM12 10v4M12 17v.01',
  inbox: 'M4 13l3-8h10l3 8M4 13v6h16v-6M4 13h5l1 2h4l1-2h5',
  pause: 'M9 6v12M15 6v12',
  clock: 'M12 4a8 8 0 1 0 0 16 8 8 0 0 0 0-16zM12 8v4l3 2',
  pipeline: 'M3 5h6v5H3zM15 14h6v5h-6zM9 7.5h3.5v9H15',
  letter: 'M4 6h16v12H4zM4 7l8 6 8-6',
  play: 'M8 5.5v13l10.5-6.5z',
  arrowRight: 'M5 12h14M13 6l6 6-6 6',
  file: 'M7 3h7l5 5v13H7zM14 3v5h5',
  user: 'M12 4a4 4 0 1 0 0 8 4 4 0 0 0 0-8zM4 20c1.5-4 4.5-6 8-6s6.5 2 8 6',
  users:
    'M9 5a3.5 3.5 0 1 0 0 7 3.5 3.5 0 0 0 0-7zM2.5 19c1.2-3.3 3.6-5 6.5-5s5.3 1.7 6.5 5M16 5.5a3 3 0 0 1 0 6M18 14c1.7.6 2.9 2.2 3.5 5',
  audit: 'M12 3l7 3v5c0 4.5-3 8-7 10-4-2-7-5.5-7-10V6zM9 12l2 2 4-4',
} as const;

export type IconName = keyof typeof PATHS;

export interface IconProps extends SVGProps<SVGSVGElement> {
  name: IconName;
  size?: number;
}

export function Icon({ name, size = 16, ...rest }: IconProps) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
      {...rest}
    >
      <path d={PATHS[name]} />
    </svg>
  );
}
