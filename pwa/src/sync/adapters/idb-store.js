// The sync engine's store over IndexedDB (the `idb` package). Every method is ONE IndexedDB
// transaction, so what it writes lands whole or not at all, and transactions of several tabs
// on the same stores run one after another (that is what makes id allocation safe).
//
// Database "sekali-datang-sync" (its own database, so the session store's schema is not
// touched), object stores:
//   meta       "meta" -> {clientGroupId, clientId, account, cookie, acked, lastMutationIds}
//   view       key -> value: the pulled rows (profile, application/<id>, document/<id>, ...)
//   outbox     seq (auto) -> {seq, name, args, clientTime, id, clientId, holdFor}
//              `id` is null until a push claims it (see claim()); `holdFor` is a document id
//              whose upload must be ready before this attach may be sent, or a list of them
//              (a complaint's photos, listed in its args.photos: see releaseIn)
//   uploads    documentId -> {documentId, applicationId, requirementCode, filename,
//              contentType, size, sha256, pages, url, status, error}
//              status: pending | uploading | uploaded | failed | invalid
//   blobs      documentId -> {documentId, file: Blob, pages: [Blob]}
//   rejections key "result/<client_id>/<id>" -> {key, name, args, error, dismissed}
//   tus        tus-js-client's URL storage (adapters/tus-uploader.js)
import { openDB } from 'idb';

export const SYNC_DB_NAME = 'sekali-datang-sync';
const VERSION = 1;
const ALL = ['meta', 'view', 'outbox', 'uploads', 'blobs', 'rejections'];

export function openSyncDb(name = SYNC_DB_NAME) {
  return openDB(name, VERSION, {
    upgrade(db) {
      db.createObjectStore('meta');
      db.createObjectStore('view');
      db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
      db.createObjectStore('uploads', { keyPath: 'documentId' });
      db.createObjectStore('blobs', { keyPath: 'documentId' });
      db.createObjectStore('rejections', { keyPath: 'key' });
      db.createObjectStore('tus');
    },
  });
}

function freshMeta(newId, account = null) {
  return { clientGroupId: newId(), clientId: newId(), account, cookie: null, acked: 0, lastMutationIds: {} };
}

/** Unsent entries of one application, in order (id null: never part of a push). */
function isUnsentFor(entry, applicationId) {
  return entry.id == null && entry.args.application_id === applicationId;
}

/** The document ids an outbox entry waits for (holdFor: null, one id or a list). */
export function heldIds(entry) {
  return entry?.holdFor == null ? [] : [].concat(entry.holdFor);
}

/** What a held entry is ordered with: later entries of the same complaint or application wait. */
function orderKey(entry) {
  return entry.args.complaint_id ?? entry.args.application_id;
}

export function idbStore({ name = SYNC_DB_NAME, newId = () => globalThis.crypto.randomUUID() } = {}) {
  const dbPromise = openSyncDb(name);

  async function tx(stores, fn) {
    const db = await dbPromise;
    const t = db.transaction(stores, 'readwrite');
    const result = await fn(t);
    await t.done;
    return result;
  }

  async function metaIn(t) {
    let meta = await t.objectStore('meta').get('meta');
    if (!meta) {
      meta = freshMeta(newId);
      await t.objectStore('meta').put(meta, 'meta');
    }
    return meta;
  }

  async function dropUploadIn(t, documentId) {
    await t.objectStore('uploads').delete(documentId);
    await t.objectStore('blobs').delete(documentId);
  }

  /**
   * An upload the server will never have ready: an attach held for it goes (it has nothing
   * to attach); an entry held for several photos (a complaint) goes on without that one, so
   * the citizen's text is not lost with a photo (the failed upload stays shown with its reason).
   */
  async function releaseIn(t, entry, documentId) {
    if (!entry || entry.id != null) return;
    const outbox = t.objectStore('outbox');
    if (!Array.isArray(entry.holdFor)) return outbox.delete(entry.seq);
    const holdFor = entry.holdFor.filter((id) => id !== documentId);
    const photos = (entry.args.photos ?? []).filter((id) => id !== documentId);
    // an emptied list stays a list: the engine sees the entry released and goes round again
    await outbox.put({ ...entry, holdFor, args: { ...entry.args, photos } });
  }

  return {
    db: dbPromise,

    meta: () => tx(['meta'], metaIn),

    /** Everything the merged view needs, read in one transaction. */
    snapshot: () =>
      tx(ALL, async (t) => {
        const meta = await metaIn(t);
        const viewStore = t.objectStore('view');
        const [keys, values] = await Promise.all([viewStore.getAllKeys(), viewStore.getAll()]);
        return {
          meta,
          view: keys.map((k, i) => [k, values[i]]),
          outbox: await t.objectStore('outbox').getAll(),
          uploads: await t.objectStore('uploads').getAll(),
          rejections: await t.objectStore('rejections').getAll(),
        };
      }),

    /**
     * Append a mutation {name, args, clientTime, holdFor}; with `upload` {record, blob} (or
     * `uploads`, a list of them) the files and their upload records are written in the same
     * transaction. A set_fields is folded
     * into the outbox's LAST entry when that is an unsent set_fields of the same application
     * whose keys the new one all overwrites (see engine.js, "Coalescing"). -> the entry.
     */
    enqueue: (entry, { upload, uploads = [] } = {}) =>
      tx(['outbox', 'uploads', 'blobs'], async (t) => {
        const outbox = t.objectStore('outbox');
        for (const one of upload ? [upload, ...uploads] : uploads) {
          await t.objectStore('uploads').put(one.record);
          await t.objectStore('blobs').put(one.blob);
        }
        if (entry.name === 'application.set_fields') {
          const cursor = await outbox.openCursor(null, 'prev');
          const last = cursor?.value;
          if (
            last &&
            last.id == null &&
            last.name === 'application.set_fields' &&
            last.args.application_id === entry.args.application_id &&
            Object.keys(last.args.fields).every((key) => key in entry.args.fields)
          ) {
            const merged = { ...last, args: entry.args, clientTime: entry.clientTime };
            await cursor.update(merged);
            return merged;
          }
        }
        const stored = { ...entry, id: null, clientId: null, holdFor: entry.holdFor ?? null };
        stored.seq = await outbox.add(stored);
        return stored;
      }),

    /**
     * The next push batch (at most `max`): first the entries already given ids and not yet
     * acknowledged (a push whose answer was lost), then new ids for unsent entries in order.
     * An attach held for its upload, and every later entry of the same application, waits
     * (a complaint held for its photos: every later entry of that complaint); entries of
     * other applications go on (mutations of different applications commute).
     */
    claim: (max) =>
      tx(['meta', 'outbox', 'view'], async (t) => {
        const meta = await metaIn(t);
        const all = await t.objectStore('outbox').getAll();
        const batch = all.filter((e) => e.id != null && e.clientId === meta.clientId && e.id > meta.acked);
        batch.sort((a, b) => a.id - b.id);
        let next = batch.length ? batch[batch.length - 1].id + 1 : meta.acked + 1;
        const blocked = new Set();
        for (const entry of all) {
          if (batch.length >= max) break;
          if (entry.id != null) continue;
          const appId = orderKey(entry);
          if (blocked.has(appId)) continue;
          let waiting = false;
          for (const documentId of heldIds(entry)) {
            const doc = await t.objectStore('view').get(`document/${documentId}`);
            if (doc?.status !== 'ready') waiting = true;
          }
          if (waiting) {
            blocked.add(appId);
            continue;
          }
          entry.id = next;
          entry.clientId = meta.clientId;
          next += 1;
          await t.objectStore('outbox').put(entry);
          batch.push(entry);
        }
        return { clientGroupId: meta.clientGroupId, clientId: meta.clientId, mutations: batch.slice(0, max) };
      }),

    /** A push answer: ids up to lastMutationId are done; rejected ones leave the outbox now. */
    acknowledge: ({ clientId, lastMutationId, results }) =>
      tx(['meta', 'outbox', 'rejections'], async (t) => {
        const meta = await metaIn(t);
        if (meta.clientId !== clientId) return; // the account changed meanwhile
        meta.acked = Math.max(meta.acked, lastMutationId);
        await t.objectStore('meta').put(meta, 'meta');
        const rejected = new Map(results.filter((r) => r.status === 'rejected').map((r) => [r.id, r]));
        if (!rejected.size) return;
        const outbox = t.objectStore('outbox');
        for (const entry of await outbox.getAll()) {
          const result = entry.clientId === clientId && rejected.get(entry.id);
          if (!result) continue;
          const key = `result/${clientId}/${entry.id}`;
          if (!(await t.objectStore('rejections').get(key))) {
            await t.objectStore('rejections').put({ key, name: entry.name, args: entry.args, error: result.error, dismissed: false });
          }
          await outbox.delete(entry.seq);
        }
      }),

    /**
     * A 409 mutation_gap: the server has done every id up to `lastMutationId`. If the server
     * is missing ids we no longer hold (it went back, e.g. a restored backup), the unsent
     * rest cannot be numbered under this client any more: it moves to a new client id.
     */
    gap: ({ clientId, lastMutationId }) =>
      tx(['meta', 'outbox'], async (t) => {
        const meta = await metaIn(t);
        if (meta.clientId !== clientId) return;
        meta.acked = lastMutationId;
        const outbox = t.objectStore('outbox');
        const claimed = (await outbox.getAll()).filter((e) => e.clientId === clientId && e.id > lastMutationId);
        const lowest = Math.min(...claimed.map((e) => e.id));
        if (claimed.length && lowest !== lastMutationId + 1) {
          meta.clientId = newId();
          meta.acked = 0;
          for (const entry of claimed) await outbox.put({ ...entry, id: null, clientId: null });
        }
        await t.objectStore('meta').put(meta, 'meta');
      }),

    /**
     * A pull answer, applied whole: the view (replaced on reset), the cookie, the outbox
     * entries the server has done (id <= last_mutation_ids[their client]), rejections of our
     * own mutations remembered with their args (so they can be shown per application), and
     * the uploads that are settled. `clientGroupId` guards against an account switch while the
     * pull was in flight. -> false when the answer was for another client group.
     */
    applyPull: ({ clientGroupId, cookie, reset, patch, lastMutationIds }) =>
      tx(ALL, async (t) => {
        const meta = await metaIn(t);
        if (meta.clientGroupId !== clientGroupId) return false;
        const view = t.objectStore('view');
        if (reset) await view.clear();
        for (const op of patch) {
          if (op.op === 'del') await view.delete(op.key);
          else await view.put(op.value, op.key);
        }
        meta.cookie = cookie;
        meta.lastMutationIds = lastMutationIds;
        const done = lastMutationIds[meta.clientId] ?? 0;
        // The server may know more than our push answers told us (a lost answer).
        if (done > meta.acked) meta.acked = done;
        await t.objectStore('meta').put(meta, 'meta');

        const outbox = t.objectStore('outbox');
        const rejections = t.objectStore('rejections');
        const entries = await outbox.getAll();
        for (const entry of entries) {
          if (entry.id == null || entry.id > (lastMutationIds[entry.clientId] ?? 0)) continue;
          const key = `result/${entry.clientId}/${entry.id}`;
          const result = await view.get(key);
          if (result && !(await rejections.get(key))) {
            await rejections.put({ key, name: entry.name, args: entry.args, error: result.error, dismissed: false });
          }
          await outbox.delete(entry.seq);
        }
        const remaining = await outbox.getAll();
        for (const upload of await t.objectStore('uploads').getAll()) {
          const doc = await view.get(`document/${upload.documentId}`);
          const attach = remaining.find((e) => heldIds(e).includes(upload.documentId));
          if (doc?.status === 'ready' && !attach) {
            await dropUploadIn(t, upload.documentId); // on the server, attached: local copy no longer needed
          } else if (doc?.status === 'invalid' && upload.status !== 'invalid') {
            await t.objectStore('uploads').put({ ...upload, status: 'invalid', error: { code: 'document_invalid', message: doc.reason } });
            await releaseIn(t, attach, upload.documentId);
          }
        }
        return true;
      }),

    /** Drop an unsent entry and what depends on it. -> false if it was already sent. */
    discard: (seq) =>
      tx(['outbox', 'uploads', 'blobs'], async (t) => {
        const outbox = t.objectStore('outbox');
        const entry = await outbox.get(seq);
        if (!entry) return true;
        if (entry.id != null) return false;
        const drop = [entry];
        if (entry.name === 'application.create') {
          // nothing of a never-sent draft can reach the server without its create
          drop.push(...(await outbox.getAll()).filter((e) => e.seq !== seq && isUnsentFor(e, entry.args.application_id)));
        }
        for (const e of drop) {
          await outbox.delete(e.seq);
          for (const documentId of heldIds(e)) await dropUploadIn(t, documentId);
        }
        return true;
      }),

    /** Discard of a draft: if it never left the phone, forget it here; else queue the mutation. */
    discardApplication: (applicationId, clientTime) =>
      tx(['outbox', 'uploads', 'blobs'], async (t) => {
        const outbox = t.objectStore('outbox');
        const entries = await outbox.getAll();
        const create = entries.find((e) => e.name === 'application.create' && isUnsentFor(e, applicationId));
        if (create) {
          for (const e of entries.filter((x) => isUnsentFor(x, applicationId))) {
            await outbox.delete(e.seq);
            for (const documentId of heldIds(e)) await dropUploadIn(t, documentId);
          }
          return null;
        }
        const entry = { name: 'application.discard', args: { application_id: applicationId }, clientTime, id: null, clientId: null, holdFor: null };
        entry.seq = await outbox.add(entry);
        return entry;
      }),

    uploads: () => tx(['uploads'], (t) => t.objectStore('uploads').getAll()),
    blob: (documentId) => tx(['blobs'], (t) => t.objectStore('blobs').get(documentId)),
    updateUpload: (documentId, changes) =>
      tx(['uploads'], async (t) => {
        const record = await t.objectStore('uploads').get(documentId);
        if (!record) return null; // discarded meanwhile
        const updated = { ...record, ...changes };
        await t.objectStore('uploads').put(updated);
        return updated;
      }),
    /** An upload that can never succeed: its attach (never sent: it was held) goes too. */
    failUpload: (documentId, error) =>
      tx(['uploads', 'outbox'], async (t) => {
        const record = await t.objectStore('uploads').get(documentId);
        if (!record) return;
        await t.objectStore('uploads').put({ ...record, status: 'failed', error });
        for (const e of await t.objectStore('outbox').getAll()) {
          if (heldIds(e).includes(documentId)) await releaseIn(t, e, documentId);
        }
      }),
    /** Forget a failed or invalid upload (the citizen retakes the photo or gives up). */
    dismissUpload: (documentId) => tx(['uploads', 'blobs'], (t) => dropUploadIn(t, documentId)),

    dismissRejection: (key) =>
      tx(['rejections', 'view'], async (t) => {
        const known = await t.objectStore('rejections').get(key);
        const server = await t.objectStore('view').get(key);
        if (!known && !server) return;
        await t.objectStore('rejections').put({ ...(known ?? { key, name: server.name, args: null, error: server.error }), dismissed: true });
      }),

    /**
     * Bind to an account. The first account takes what was made before signing in; another
     * account gets a new client group and nothing of the previous one (its unsent work is
     * dropped: it is not this person's). -> {changed, dropped}
     */
    bindAccount: (account) =>
      tx([...ALL], async (t) => {
        const meta = await metaIn(t);
        if (meta.account === account) return { changed: false, dropped: 0 };
        if (meta.account == null) {
          await t.objectStore('meta').put({ ...meta, account }, 'meta');
          return { changed: true, dropped: 0 };
        }
        const dropped = (await t.objectStore('outbox').count()) + (await t.objectStore('uploads').count());
        for (const store of ['view', 'outbox', 'uploads', 'blobs', 'rejections']) await t.objectStore(store).clear();
        await t.objectStore('meta').put(freshMeta(newId, account), 'meta');
        return { changed: true, dropped };
      }),
  };
}
