// The worker's strategies as small functions; sw.js only wires them to events.
import { cacheNames } from 'workbox-core';
import { ExpirationPlugin } from 'workbox-expiration';
import { createHandlerBoundToURL } from 'workbox-precaching';
import { NavigationRoute } from 'workbox-routing';
import { StaleWhileRevalidate } from 'workbox-strategies';
import {
  CATALOG_CACHE,
  CATALOG_EXPIRATION,
  NAVIGATION_DENYLIST,
  RUNTIME_CACHES,
  staleCaches,
} from './routes.js';

/** Catalog reads: answer from cache at once, refresh it in the background. */
export function makeCatalogStrategy() {
  return new StaleWhileRevalidate({
    cacheName: CATALOG_CACHE,
    plugins: [new ExpirationPlugin({ ...CATALOG_EXPIRATION, purgeOnQuotaError: true })],
    // The background refresh asks the server (a conditional request where it can) instead of
    // the browser's HTTP cache, where a catalog answer stays fresh for its max-age: otherwise a
    // published standard reached a phone only minutes later. The worker's own cache is what
    // keeps the app quick and offline; the HTTP cache under it would only delay the news.
    fetchOptions: { cache: 'no-cache' },
  });
}

/** Every page navigation gets the precached shell; hash routes do the rest. */
export function makeNavigationRoute() {
  return new NavigationRoute(createHandlerBoundToURL('/index.html'), {
    denylist: NAVIGATION_DENYLIST,
  });
}

/**
 * What the first offline start needs although the page's own first fetch ran before the
 * worker did: the MPP list, and the state machine the application screens read (which
 * states the citizen may edit: without it they cannot open).
 */
export const WARM_PATHS = ['/api/mpps', '/api/sync/states'];

/**
 * Fetch WARM_PATHS into the catalog cache while installing. Best effort: a failure here
 * never fails the install.
 */
export async function warmCatalog(event, strategy, paths = WARM_PATHS) {
  await Promise.all(
    paths.map(async (path) => {
      try {
        const [response, done] = strategy.handleAll({
          event,
          request: new Request(path, { headers: { Accept: 'application/json' } }),
        });
        await response;
        await done;
      } catch {
        // offline or API down: the page's next fetch through the worker fills the cache
      }
    }),
  );
}

/** Delete our caches that this version does not use (older CACHE_VERSIONs). */
export async function deleteStaleCaches() {
  const keep = [...RUNTIME_CACHES, cacheNames.precache];
  const names = await caches.keys();
  await Promise.all(staleCaches(names, keep).map((name) => caches.delete(name)));
}
