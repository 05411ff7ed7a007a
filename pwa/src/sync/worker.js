// The sync engine as the service worker runs it: one round of push and pull when Background
// Sync fires, with no uploads (see syncInWorker). Kept apart from index.js so the worker's
// bundle does not carry tus-js-client.
import { sessionApi } from '../api.js';
import { createEngine } from './engine/engine.js';
import { idbStore } from './adapters/idb-store.js';
import { httpTransport } from './adapters/http-transport.js';
import { webLocks } from './adapters/web-locks.js';
import { BACKGROUND_SYNC_TAG, broadcastChannel } from './adapters/browser-triggers.js';

export { BACKGROUND_SYNC_TAG };

/**
 * One sync round from the service worker (no triggers, no timers): pushes and pulls only.
 * Uploads stay with the page: tus-js-client's browser transport is XMLHttpRequest, which a
 * service worker does not have, and a held attach simply waits for the page's upload.
 */
export async function syncInWorker({ getToken, getLang = () => 'id', fetchImpl = globalThis.fetch, api }) {
  const token = await getToken();
  const session = api ?? sessionApi({ getToken: () => token, getLang, onSessionEnded: () => {}, fetchImpl });
  const engine = createEngine({
    store: idbStore(),
    transport: httpTransport(session, { hasToken: async () => Boolean(token) }),
    uploader: null,
    lock: webLocks(),
    channel: broadcastChannel(),
  });
  await engine.sync();
  engine.stop();
  return engine.status;
}
