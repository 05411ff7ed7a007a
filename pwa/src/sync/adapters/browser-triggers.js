// What wakes the engine in a page: `online` / `offline`, the page becoming visible, and
// Background Sync (a tag the service worker receives as a `sync` event where the browser has
// it; the worker then calls syncInWorker() from src/sync/index.js). Also the other tabs'
// "changed" messages (BroadcastChannel) and navigator.storage.persist().
export const BACKGROUND_SYNC_TAG = 'sekali-datang-sync';
export const CHANNEL_NAME = 'sekali-datang-sync';

export function browserTriggers(win = globalThis) {
  return {
    isOnline: () => win.navigator?.onLine !== false,
    subscribe(handler) {
      const online = () => handler('online');
      const offline = () => handler('offline');
      const visible = () => {
        if (win.document?.visibilityState === 'visible') handler('visible');
      };
      win.addEventListener?.('online', online);
      win.addEventListener?.('offline', offline);
      win.document?.addEventListener?.('visibilitychange', visible);
      return () => {
        win.removeEventListener?.('online', online);
        win.removeEventListener?.('offline', offline);
        win.document?.removeEventListener?.('visibilitychange', visible);
      };
    },
    /** Ask the browser to wake the service worker when the network is back (best effort). */
    requestBackgroundSync() {
      win.navigator?.serviceWorker?.ready
        ?.then((registration) => registration.sync?.register(BACKGROUND_SYNC_TAG))
        .catch(() => {}); // no Background Sync here: the page's own triggers remain
    },
  };
}

export function broadcastChannel(name = CHANNEL_NAME, Channel = globalThis.BroadcastChannel) {
  if (!Channel) return null;
  const channel = new Channel(name);
  return {
    post: (message) => channel.postMessage(message),
    subscribe(fn) {
      const listener = (event) => fn(event.data);
      channel.addEventListener('message', listener);
      return () => channel.removeEventListener('message', listener);
    },
  };
}

/** navigator.storage.persist(): true when the browser keeps our data under storage pressure. */
export function storagePersistence(storage = globalThis.navigator?.storage) {
  return {
    async request() {
      if (!storage?.persist) return false;
      if (await storage.persisted?.()) return true;
      return storage.persist();
    },
  };
}
