// What the service worker handles, as pure functions and constants (no Workbox, no
// `self`), so `node --test` checks them directly.

/** Bump when the runtime caches' contents change shape; old ones are deleted on activate. */
export const CACHE_VERSION = 'v1';
export const CACHE_PREFIX = 'sekali-datang';
export const CATALOG_CACHE = `catalog-${CACHE_VERSION}`;

/** Runtime caches this version keeps (the current precache is kept as well). */
export const RUNTIME_CACHES = [CATALOG_CACHE];

/** Ours: the catalog caches and Workbox's precaches named with our prefix. */
export function isOwnCache(name) {
  return /^catalog-v\d+$/.test(name) || name.startsWith(`${CACHE_PREFIX}-`);
}

/** Public catalog data: stale-while-revalidate is safe (no personal data in it). */
export const CATALOG_EXPIRATION = {
  maxEntries: 300,
  maxAgeSeconds: 30 * 24 * 60 * 60,
};

/** Requests the worker must never touch: only same-origin GETs go further. */
export function isOwnGet(request, origin) {
  if (request.method !== 'GET') return false;
  try {
    return new URL(request.url).origin === origin;
  } catch {
    return false;
  }
}

function isUnder(pathname, base) {
  return pathname === base || pathname.startsWith(`${base}/`);
}

/** GET /api/mpps*, /api/services*, /api/catalog/*, /api/document-types, /api/sync/states. */
export function isCatalogPath(pathname) {
  return (
    isUnder(pathname, '/api/mpps') ||
    isUnder(pathname, '/api/services') ||
    pathname.startsWith('/api/catalog/') ||
    pathname === '/api/document-types' ||
    pathname === '/api/sync/states'
  );
}

/**
 * Navigations that must reach the network rather than get the app shell: the API,
 * the health check, the floor's pages, and anything that names a file (/icons/x.png, /sw.js...).
 * Matched by Workbox against pathname + search.
 */
export const NAVIGATION_DENYLIST = [
  /^\/api(?:\/|\?|$)/,
  /^\/healthz(?:\/|\?|$)/,
  /\/[^/?]*\.[^/?]*(?:\?|$)/,
  // the MPP floor's kiosk and call display are pages of their own (server/web.py FLOOR_PAGES)
  /^\/(?:kiosk|display)(?:\/|\?|#|$)/,
  // the published SKM report of an MPP is a server-rendered page (server/survey/routes.py)
  /^\/skm(?:\/|\?|#|$)/,
];

export function isShellNavigation(pathnameAndSearch) {
  return !NAVIGATION_DENYLIST.some((re) => re.test(pathnameAndSearch));
}

/** Our caches from older versions, to delete on activate: allow-list `keep`. */
export function staleCaches(cacheNames, keep) {
  return cacheNames.filter((name) => isOwnCache(name) && !keep.includes(name));
}

export function isSkipWaitingMessage(data) {
  return Boolean(data) && typeof data === 'object' && data.type === 'SKIP_WAITING';
}
