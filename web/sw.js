// quarter's service worker: hashed assets cache-first (they never change);
// pages network-first with the cached copy offline; the last nearby search and
// "my coupons" replies are kept so they still show on a flaky network.  The
// API's other replies are never cached.  Logging out clears the kept replies.
const ASSETS = 'qt-assets-v1';
const PAGES = 'qt-pages-v1';
const API = 'qt-api-v1';
const PAGE_PATHS = ['/', '/merchant', '/operator', '/planner', '/login'];
const KEPT_API = [/^\/api\/v1\/nearby$/, /^\/api\/v1\/me\/coupons$/, /^\/api\/v1\/map$/];

self.addEventListener('install', (ev) => {
  ev.waitUntil(caches.open(PAGES).then((c) => c.addAll(['/'])).catch(() => {}).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (ev) => {
  ev.waitUntil(
    caches.keys().then((keys) => Promise.all(keys.filter((k) => ![ASSETS, PAGES, API].includes(k)).map((k) => caches.delete(k)))).then(() => self.clients.claim()),
  );
});

self.addEventListener('message', (ev) => {
  if (ev.data === 'logout') ev.waitUntil(caches.delete(API));
});

async function networkFirst(req, cacheName, key) {
  const cache = await caches.open(cacheName);
  try {
    const res = await fetch(req);
    if (res.ok) cache.put(key || req, res.clone());
    return res;
  } catch (e) {
    const hit = await cache.match(key || req);
    if (hit) return hit;
    throw e;
  }
}

self.addEventListener('fetch', (ev) => {
  const req = ev.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/assets/')) {
    ev.respondWith(
      caches.open(ASSETS).then(async (c) => {
        const hit = await c.match(req);
        if (hit) return hit;
        const res = await fetch(req);
        if (res.ok) c.put(req, res.clone());
        return res;
      }),
    );
  } else if (PAGE_PATHS.includes(url.pathname)) {
    ev.respondWith(networkFirst(req, PAGES));
  } else if (KEPT_API.some((re) => re.test(url.pathname))) {
    // one kept reply per endpoint (the last one), whatever the query
    ev.respondWith(networkFirst(req, API, url.origin + url.pathname));
  }
});
