// The value of a CSS custom property on the document (e.g. a colour token for a canvas chart).
export function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}
