// Mortar service worker: keeps the app shell (index.html, the built assets, icons) in a cache so the
// cockpit opens offline or on a flaky link. Navigation is network-first (a new build wins as soon as
// the server answers), hashed assets are cache-first, and /api/ is never cached: data is always live.
// The build's asset-manifest.json (Vite's manifest) lists every asset, lazy chunks included.
const CACHE = 'mortar-shell-v1';
const SHELL = ['/', '/manifest.webmanifest', '/icons/logo.svg', '/icons/icon-192.png'];

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll(SHELL);
      await cache.addAll(await buildAssets());
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  if (req.mode === 'navigate') event.respondWith(navigation(req));
  else if (url.pathname.startsWith('/assets/')) event.respondWith(cacheFirst(req));
  else if (SHELL.includes(url.pathname) || url.pathname.startsWith('/icons/')) event.respondWith(networkFirst(req));
});

/** Network first, the cached shell when offline; a changed index.html means a new build: prune. */
async function navigation(req) {
  const cache = await caches.open(CACHE);
  try {
    const res = await fetch(req);
    if (res.ok && (res.headers.get('content-type') ?? '').includes('text/html')) {
      const old = await cache.match('/');
      const html = await res.clone().text();
      await cache.put('/', res.clone());
      if (old && (await old.text()) !== html) prune(cache).catch(() => {});
    }
    return res;
  } catch {
    return (await cache.match('/')) ?? Response.error();
  }
}

async function cacheFirst(req) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(req);
  if (hit) return hit;
  const res = await fetch(req);
  if (res.ok) await cache.put(req, res.clone());
  return res;
}

async function networkFirst(req) {
  const cache = await caches.open(CACHE);
  try {
    const res = await fetch(req);
    if (res.ok) await cache.put(req, res.clone());
    return res;
  } catch {
    return (await cache.match(req)) ?? Response.error();
  }
}

/** URLs of every file of the current build, from asset-manifest.json (empty if it is missing). */
async function buildAssets() {
  try {
    const res = await fetch('/asset-manifest.json', { cache: 'no-store' });
    if (!res.ok) return [];
    const files = new Set();
    for (const entry of Object.values(await res.json())) {
      files.add(`/${entry.file}`);
      for (const css of entry.css ?? []) files.add(`/${css}`);
      for (const asset of entry.assets ?? []) files.add(`/${asset}`);
    }
    return [...files];
  } catch {
    return [];
  }
}

/** Drops cached assets of older builds and caches the new build's. */
async function prune(cache) {
  const current = await buildAssets();
  if (current.length === 0) return;
  const keep = new Set(current);
  for (const req of await cache.keys()) {
    const path = new URL(req.url).pathname;
    if (path.startsWith('/assets/') && !keep.has(path)) await cache.delete(req);
  }
  await cache.addAll(current);
}
