// Registers /sw.js (app-shell cache, see web/public/sw.js) once the page has loaded.
export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').catch((err: unknown) => {
      console.warn('Mortar: service worker not registered', err);
    });
  });
}
