/**
 * The citizen's sync engine (issue #6; contract: docs/sync-protocol.md). The engine itself
 * (engine/) has no fetch, IndexedDB, tus-js-client, window or navigator in it: those are the
 * adapters (adapters/), wired here for the browser.
 *
 * Start:   const sync = createBrowserSyncEngine({ api, getToken }); await sync.start();
 *          (api: sessionApi(...) from src/api.js; getToken: session-store's getToken)
 *          after sign-in: await sync.setAccount(accountKey)  -> {changed, dropped}
 *          (a stable key of the citizen, e.g. the phone of GET /api/me. Before the first
 *          account, drafts wait; a DIFFERENT account gets a new client group and the previous
 *          account's unsent work is dropped: warn with status.pendingMutations first.)
 *
 * Read:    sync.view    {profile, applications: {id: app}, documents: {id: doc},
 *                        notifications, rejections, queue}
 *            app: the server's application row with queued edits applied; `pending`
 *                 {mutations, submit, withdraw, created} while edits are queued
 *            doc: the server's document row, or {id, status: 'local'} before upload; `upload`
 *                 {status: pending|uploading|uploaded|failed|invalid, error {code, message}}
 *            rejections: [{key, name, code, message, message_en, details, application_id}]
 *            queue: [{seq, name, args, sent, held}] (the outbox, in order)
 *          rejectionsFor(sync.view, applicationId)
 *          sync.status  {online, syncing, pendingMutations, pendingUploads, failedUploads,
 *                        rejections, lastSyncedAt, lastError {code, status, message} | null,
 *                        needsSignIn, storagePersisted (true | false | null: unknown),
 *                        uploadProgress {documentId: {sent, total}}}
 *          statusLines(status, t) / statusText(status, t): "2 dokumen belum terkirim"...
 *          sync.subscribe(fn) -> unsubscribe; fn(sync) after every change
 *
 * Edit (each resolves once the change is stored, i.e. when "tersimpan" may be shown):
 *          createApplication(serviceId) -> applicationId
 *          setFields(applicationId, {key: value})        (null or '' clears)
 *          attachPages(applicationId, requirementCode, [Blob], {filename}?) -> documentId
 *            one page: JPEG, PNG or WebP as is; several pages: JPEG only, sent as one PDF
 *            (the server keeps one document per requirement); pages(documentId) -> [Blob]
 *          attachDocument(applicationId, requirementCode, documentId)   (wallet, no upload)
 *          detach(applicationId, requirementCode), submit(id), withdraw(id),
 *          discardApplication(id)   (a draft never sent is just forgotten here)
 * Queue:   discard(seq) -> false if already sent; dismissUpload(documentId);
 *          dismissRejection(key)
 * Run:     sync.sync() (never rejects; also runs by itself: at start, online, visible, after
 *          edits (debounced), every 30 s, backed off when failing), sync.stop()
 *
 * Service worker: on `sync` events with tag BACKGROUND_SYNC_TAG call
 *          event.waitUntil(syncInWorker({ getToken }))  (from ./worker.js, which leaves
 *          tus-js-client out of the worker's bundle)
 */
import { createEngine } from './engine/engine.js';
import { idbStore } from './adapters/idb-store.js';
import { httpTransport } from './adapters/http-transport.js';
import { idbUrlStorage, tusUploader } from './adapters/tus-uploader.js';
import { webLocks } from './adapters/web-locks.js';
import { BACKGROUND_SYNC_TAG, broadcastChannel, browserTriggers, storagePersistence } from './adapters/browser-triggers.js';

export { statusLines, statusText } from './engine/status.js';
export { rejectionsFor } from './engine/view.js';
export { BACKGROUND_SYNC_TAG };

function wire({ api, getToken }) {
  const store = idbStore();
  return {
    store,
    transport: httpTransport(api, { hasToken: async () => Boolean(await getToken()) }),
    uploader: tusUploader({ getToken, urlStorage: idbUrlStorage(store.db) }),
    lock: webLocks(),
  };
}

export function createBrowserSyncEngine({ api, getToken }) {
  return createEngine({
    ...wire({ api, getToken }),
    triggers: browserTriggers(),
    channel: broadcastChannel(),
    persistence: storagePersistence(),
  });
}
