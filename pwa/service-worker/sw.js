// Sekali Datang service worker (Workbox injectManifest source). Thin on purpose: the
// matching rules live in routes.js, the strategies in strategies.js.
import { clientsClaim, setCacheNameDetails } from 'workbox-core';
import { cleanupOutdatedCaches, precacheAndRoute } from 'workbox-precaching';
import { registerRoute } from 'workbox-routing';
import { CACHE_PREFIX, CACHE_VERSION, isCatalogPath, isOwnGet, isSkipWaitingMessage } from './routes.js';
import { deleteStaleCaches, makeCatalogStrategy, makeNavigationRoute, warmCatalog } from './strategies.js';

// Non-GET and cross-origin requests go straight to the network, untouched. Registered
// before Workbox's own fetch listener, so stopping propagation keeps them out of it.
self.addEventListener('fetch', (event) => {
  if (!isOwnGet(event.request, self.location.origin)) event.stopImmediatePropagation();
});

setCacheNameDetails({ prefix: CACHE_PREFIX, suffix: CACHE_VERSION });
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

const catalog = makeCatalogStrategy();
registerRoute(makeNavigationRoute());
registerRoute(({ url }) => url.origin === self.location.origin && isCatalogPath(url.pathname), catalog);

self.addEventListener('install', (event) => {
  event.waitUntil(warmCatalog(event, catalog));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(deleteStaleCaches());
});

// On the first install, take the open page at once (nothing older is running). An update
// waits: only the user's "Muat ulang" sends SKIP_WAITING.
clientsClaim();

self.addEventListener('message', (event) => {
  if (isSkipWaitingMessage(event.data)) self.skipWaiting();
});
