// The Mortar mark: three courses of bricks joined by mortar, on the brand tile. The same geometry
// is drawn into the PWA icons by web/scripts/icons.mjs and into web/public/icons/logo.svg.
export function Logo({ size = 28 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" role="img" aria-label="Mortar logo">
      <rect width="32" height="32" rx="7" fill="#2f4fb5" />
      <g fill="#ffffff">
        <rect x="7" y="8.5" width="8.25" height="4" rx="1" />
        <rect x="16.75" y="8.5" width="8.25" height="4" rx="1" />
        <rect x="7" y="14" width="3.375" height="4" rx="1" />
        <rect x="11.875" y="14" width="8.25" height="4" rx="1" fill="#ffc861" />
        <rect x="21.625" y="14" width="3.375" height="4" rx="1" />
        <rect x="7" y="19.5" width="8.25" height="4" rx="1" />
        <rect x="16.75" y="19.5" width="8.25" height="4" rx="1" />
      </g>
    </svg>
  );
}
