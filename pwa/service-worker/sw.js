// Sekali Datang service worker (Workbox injectManifest source). Thin on purpose: the
// matching rules live in routes.js, the strategies in strategies.js.
import { clientsClaim, setCacheNameDetails } from 'workbox-core';
import { cleanupOutdatedCaches, precacheAndRoute } from 'workbox-precaching';
import { registerRoute } from 'workbox-routing';
import { CACHE_PREFIX, CACHE_VERSION, isCatalogPath, isOwnGet, isSkipWaitingMessage } from './routes.js';
import { deleteStaleCaches, makeCatalogStrategy, makeNavigationRoute, warmCatalog } from './strategies.js';
import { parsePayload, pickClient, SYNC_NOW } from './push.js';
import { BACKGROUND_SYNC_TAG, syncInWorker } from '../src/sync/worker.js';
import { getToken } from '../src/session-store.js';

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

// Web push (server/push): show it; a newer message about the same application replaces the
// older one (same tag). A payload we cannot read still tells the citizen to look.
self.addEventListener('push', (event) => {
  const shown = (event.data && parsePayload(event.data.text())) || parsePayload('{}');
  event.waitUntil(
    Promise.all([
      self.registration.showNotification(shown.title, shown.options),
      // An open app pulls at once, so its inbox and the application match the message.
      self.clients.matchAll({ type: 'window' }).then((windows) => windows.forEach((w) => w.postMessage(SYNC_NOW))),
    ]),
  );
});

// A tap opens the app at that application: in a window already showing the app if there is
// one, else a new one.
self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = new URL(event.notification.data?.url || '/', self.location.origin).href;
  extend(
    event,
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const client = pickClient(windows, self.location.origin);
      if (client) {
        // focus() needs the tap's user activation; without it (some browsers, a closed
        // notification centre) the window is still taken to the application.
        await client.focus().catch(() => {});
        return client.navigate ? client.navigate(url) : null;
      }
      return self.clients.openWindow(url);
    })(),
  );
});

/**
 * event.waitUntil(promise), except on a script-constructed event (the browser tests
 * dispatch a tap that way), which cannot be extended: there the work simply runs.
 */
function extend(event, promise) {
  try {
    event.waitUntil(promise);
  } catch {
    // not a browser-fired event
  }
}

// Background Sync: the network is back while no page is open; send what is queued.
self.addEventListener('sync', (event) => {
  if (event.tag === BACKGROUND_SYNC_TAG) event.waitUntil(syncInWorker({ getToken }));
});
