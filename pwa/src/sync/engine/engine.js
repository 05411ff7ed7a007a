// The client sync engine: outbox, flusher, puller, uploads and triggers over INJECTED parts
// (no fetch, IndexedDB, tus-js-client, window or navigator here; see ../index.js for the
// browser wiring and the API summary).
//
// Outbox and mutation ids. Every edit is written to the store (one transaction) before the
// promise of its mutator resolves, so "tersimpan" may be shown once it resolves. Entries get
// their protocol id only when a push claims them (store.claim, one transaction): ids are
// 1, 2, 3... per client_id with no gaps, and an entry that never left the phone can be
// discarded without renumbering anything. A claimed entry is never discarded: the server
// may already have applied it.
//
// Coalescing. A set_fields is folded into the previous outbox entry only when that entry is
// an unsent set_fields of the same application and every key it writes is written again by
// the new one. Per-field last writer wins, so applying the two in order and applying the
// merged one end in the same values; nothing else was queued between them, so no other
// mutation can observe the in-between state. The one difference is on rejection (the
// server rejects a set_fields whole): an in-between value the citizen already typed over is
// not kept on the server, which is what the citizen sees on screen anyway. Autosave writes
// one field per input, so typing in a field leaves one mutation, not one per keystroke.
//
// Uploads. A photo is attached with attachPages(): the file, its upload record and the
// application.attach (held: `holdFor` its document id) are written in one transaction. The
// attach, and later edits of the same application, are only claimed once the pulled view
// has the document `ready`; edits of other applications are not held up. An upload the
// server can never take (too large, wrong type, quota) or a document it found invalid
// drops the held attach and stays visible with its reason until dismissed.
import { backoffDelay } from './backoff.js';
import { mergeView } from './view.js';
import { jpegPagesToPdf } from './pdf.js';

export const PROTOCOL = 1;
export const MAX_BATCH = 100;
export const SYNC_LOCK = 'sekali-datang-sync';
export const UPLOAD_LOCK_PREFIX = 'sekali-datang-upload-';

const noop = () => {};

/** True for an error that needs the citizen to sign in (again) before anything can sync. */
export function needsSignIn(err) {
  return err?.status === 401 || (err?.status === 403 && err?.code === 'client_group_forbidden');
}

async function sha256Hex(blob) {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function errorSummary(err) {
  if (err?.status == null) return { code: 'network', status: null };
  return { code: err.code || `http_${err.status}`, status: err.status, message: err.serverMessage || err.message || '' };
}

export function createEngine({
  store,
  transport,
  uploader = null,
  lock,
  triggers = null,
  channel = null,
  persistence = null,
  clock = { now: () => Date.now() },
  timers = { setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms), clearTimeout: (id) => globalThis.clearTimeout(id) },
  random = Math.random,
  newId = () => globalThis.crypto.randomUUID(),
  hash = sha256Hex,
  options = {},
}) {
  const opts = { maxBatch: MAX_BATCH, interval: 30000, debounce: 1500, backoffBase: 2000, backoffCap: 300000, ...options };
  const listeners = new Set();
  let snapshot = { meta: null, view: [], outbox: [], uploads: [], rejections: [] };
  let merged = mergeView(snapshot);
  const status = {
    online: triggers?.isOnline ? triggers.isOnline() : true,
    syncing: false,
    pendingMutations: 0,
    pendingUploads: 0,
    failedUploads: 0,
    rejections: 0,
    lastSyncedAt: null,
    lastError: null,
    needsSignIn: false,
    storagePersisted: null,
  };
  const progress = {}; // documentId -> {sent, total} while uploading (not stored)
  let failures = 0;
  let running = null;
  let again = false;
  let timer = null;
  let timerAt = Infinity;
  let stopped = true;
  let unsubscribers = [];

  function emit() {
    for (const fn of [...listeners]) {
      try {
        fn(engine);
      } catch (err) {
        console.error('sync listener failed', err); // a broken screen must not stop syncing
      }
    }
  }

  async function refresh({ broadcast = false } = {}) {
    snapshot = await store.snapshot();
    merged = mergeView(snapshot);
    status.pendingMutations = snapshot.outbox.length;
    status.pendingUploads = snapshot.uploads.filter((u) => !['failed', 'invalid'].includes(u.status)).length;
    status.failedUploads = snapshot.uploads.length - status.pendingUploads;
    status.rejections = merged.rejections.length;
    if (broadcast && channel) channel.post({ type: 'changed' });
    emit();
  }

  function schedule(delay) {
    if (stopped) return;
    const at = clock.now() + delay;
    if (timer !== null && timerAt <= at) return;
    if (timer !== null) timers.clearTimeout(timer);
    timerAt = at;
    timer = timers.setTimeout(() => {
      timer = null;
      timerAt = Infinity;
      engine.sync().catch(noop);
    }, delay);
  }

  /** After a local write: show it, tell other tabs, and send it soon (debounced). */
  async function edited() {
    await refresh({ broadcast: true });
    triggers?.requestBackgroundSync?.();
    schedule(opts.debounce);
  }

  function clientTime() {
    return clock.now();
  }

  async function enqueue(name, args, extra) {
    await store.enqueue({ name, args, clientTime: clientTime() }, extra);
    await edited();
  }

  async function push() {
    let batchSize = opts.maxBatch;
    for (let round = 0; round < 10000; round += 1) {
      const { clientGroupId, clientId, mutations } = await store.claim(batchSize);
      if (!mutations.length) return;
      const body = {
        protocol: PROTOCOL,
        client_group_id: clientGroupId,
        client_id: clientId,
        mutations: mutations.map((m) => ({ id: m.id, name: m.name, args: m.args, client_time: m.clientTime ?? null })),
      };
      let answer;
      try {
        answer = await transport.push(body);
      } catch (err) {
        if (err?.status === 409 && err.code === 'mutation_gap' && Number.isInteger(err.details?.last_mutation_id)) {
          await store.gap({ clientId, lastMutationId: err.details.last_mutation_id });
          continue;
        }
        if (err?.status === 413 && batchSize > 1) {
          batchSize = Math.ceil(batchSize / 2); // batch_too_large or the server's body cap
          continue;
        }
        throw err;
      }
      await store.acknowledge({ clientId, lastMutationId: answer.last_mutation_id, results: answer.results ?? [] });
      if (batchSize < opts.maxBatch) batchSize = Math.min(opts.maxBatch, batchSize * 2);
    }
    throw Object.assign(new Error('push did not settle'), { code: 'push_loop' });
  }

  async function pull() {
    const meta = await store.meta();
    const answer = await transport.pull({ protocol: PROTOCOL, client_group_id: meta.clientGroupId, cookie: meta.cookie });
    await store.applyPull({
      clientGroupId: meta.clientGroupId,
      cookie: answer.cookie,
      reset: answer.reset,
      patch: answer.patch,
      lastMutationIds: answer.last_mutation_ids ?? {},
    });
  }

  /** Upload what waits, one at a time (a weak link is better used by one stream). -> uploaded any */
  async function pumpUploads() {
    if (!uploader) return false;
    let finished = false;
    for (const record of await store.uploads()) {
      if (record.status !== 'pending' && record.status !== 'uploading') continue;
      // Another tab uploading the same file would only collide on the server's offset check.
      await lock.request(UPLOAD_LOCK_PREFIX + record.documentId, { ifAvailable: true }, async (held) => {
        if (!held) return;
        const stored = await store.blob(record.documentId);
        if (!stored) return; // discarded meanwhile
        await store.updateUpload(record.documentId, { status: 'uploading' });
        try {
          await uploader.upload({
            documentId: record.documentId,
            file: stored.file,
            filename: record.filename,
            contentType: record.contentType,
            sha256: record.sha256,
            size: record.size,
            url: record.url,
            onUrl: (url) => store.updateUpload(record.documentId, { url }),
            onProgress: (sent, total) => {
              progress[record.documentId] = { sent, total };
              emit();
            },
          });
          await store.updateUpload(record.documentId, { status: 'uploaded' });
          finished = true;
        } catch (err) {
          if (err?.permanent) {
            await store.failUpload(record.documentId, errorSummary(err));
            finished = true;
          } else {
            throw err;
          }
        } finally {
          delete progress[record.documentId];
        }
      });
    }
    return finished;
  }

  async function syncOnce() {
    if (status.needsSignIn) return;
    status.syncing = true;
    emit();
    let uploaded = false;
    try {
      await lock.request(SYNC_LOCK, {}, async () => {
        await push();
        await pull();
      });
      await refresh();
      uploaded = await pumpUploads();
      failures = 0;
      status.online = true;
      status.lastError = null;
      status.lastSyncedAt = clock.now();
    } catch (err) {
      status.lastError = errorSummary(err);
      if (needsSignIn(err)) {
        status.needsSignIn = true;
      } else {
        failures += 1;
        if (err?.status == null) {
          status.online = false;
          triggers?.requestBackgroundSync?.();
        }
      }
    } finally {
      status.syncing = false;
      // other tabs show what this round sent and pulled (their outbox view is the same store)
      await refresh({ broadcast: true }).catch(noop);
    }
    // A finished upload makes its attach sendable once a pull shows the document ready:
    // go round again to pull, and again to push the released attach.
    const ready = new Set(snapshot.view.filter(([k, v]) => k.startsWith('document/') && v?.status === 'ready').map(([, v]) => v.id));
    const released = snapshot.outbox.some((e) => e.id == null && e.holdFor && [].concat(e.holdFor).every((id) => ready.has(id)));
    if (uploaded || (released && !status.lastError)) again = true;
  }

  const engine = {
    /** Current status object (see index.js); read it in a subscriber. */
    get status() {
      return { ...status, uploadProgress: { ...progress } };
    },
    /** The merged view (see view.js mergeView). */
    get view() {
      return merged;
    },
    /** Call fn(engine) after every change of status or view. -> unsubscribe */
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },

    /** Load the stored state; start the triggers and the first sync. */
    async start() {
      stopped = false;
      await refresh();
      if (persistence) {
        status.storagePersisted = await persistence.request().catch(() => false);
        emit();
      }
      if (triggers) unsubscribers.push(triggers.subscribe((reason) => {
        if (reason === 'online') status.online = true;
        if (reason === 'offline') {
          status.online = false;
          emit();
          return;
        }
        schedule(0);
      }));
      if (channel) unsubscribers.push(channel.subscribe(() => refresh().catch(noop)));
      schedule(0);
    },
    stop() {
      stopped = true;
      if (timer !== null) timers.clearTimeout(timer);
      timer = null;
      timerAt = Infinity;
      unsubscribers.forEach((u) => u());
      unsubscribers = [];
    },

    /**
     * Push everything sendable, pull, upload what waits, and repeat while progress is made.
     * Resolves when this round is over (never rejects: failures land in status.lastError and
     * retry on a backoff timer). Concurrent calls share one run.
     */
    sync() {
      if (running) {
        again = true;
        return running;
      }
      running = (async () => {
        do {
          again = false;
          await syncOnce();
        } while (again && !status.needsSignIn);
      })().finally(() => {
        running = null;
        const pending = status.pendingMutations + status.pendingUploads > 0;
        schedule(failures ? backoffDelay(failures, { base: opts.backoffBase, cap: opts.backoffCap, random }) : pending ? opts.debounce * 4 : opts.interval);
      });
      return running;
    },

    /** The citizen (any stable account key) whose data this is; see store.bindAccount. */
    async setAccount(account) {
      const result = await store.bindAccount(account);
      status.needsSignIn = false;
      status.lastError = null;
      failures = 0;
      await refresh({ broadcast: true });
      schedule(0);
      return result;
    },

    // ---- mutators (each resolves once the change is durable in the store) ----
    async createApplication(serviceId, applicationId = newId()) {
      await enqueue('application.create', { application_id: applicationId, service_id: serviceId });
      return applicationId;
    },
    setFields: (applicationId, fields) => enqueue('application.set_fields', { application_id: applicationId, fields }),
    /** Attach a document that is already on the server (a verified wallet document). */
    attachDocument: (applicationId, requirementCode, documentId) =>
      enqueue('application.attach', { application_id: applicationId, requirement_code: requirementCode, document_id: documentId }),
    detach: (applicationId, requirementCode) =>
      enqueue('application.detach', { application_id: applicationId, requirement_code: requirementCode }),
    submit: (applicationId) => enqueue('application.submit', { application_id: applicationId }),
    withdraw: (applicationId) => enqueue('application.withdraw', { application_id: applicationId }),
    /** A mutation of another domain (server: sync/domains.py), e.g. survey.submit. */
    mutate: (name, args) => enqueue(name, args),
    /** A draft never sent is forgotten here; otherwise application.discard is queued. */
    async discardApplication(applicationId) {
      await store.discardApplication(applicationId, clientTime());
      await edited();
    },

    /**
     * Photographed pages (Blobs) for one requirement -> the new document id. One page is
     * uploaded as it is (JPEG, PNG or WebP); several pages must be JPEG and become one PDF.
     * An earlier photo of the same requirement that was not sent yet is replaced.
     */
    async attachPages(applicationId, requirementCode, pages, { filename } = {}) {
      if (!pages.length) throw new Error('no pages');
      let file = pages[0];
      if (pages.length > 1) {
        if (pages.some((p) => p.type !== 'image/jpeg')) throw new Error('several pages must be JPEG');
        const bytes = await Promise.all(pages.map(async (p) => new Uint8Array(await p.arrayBuffer())));
        file = new Blob([jpegPagesToPdf(bytes)], { type: 'application/pdf' });
      }
      const documentId = newId();
      const extension = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'application/pdf': 'pdf' }[file.type] ?? 'bin';
      const record = {
        documentId,
        applicationId,
        requirementCode,
        filename: filename ?? `${requirementCode}.${extension}`,
        contentType: file.type,
        size: file.size,
        sha256: await hash(file),
        pages: pages.length,
        url: null,
        status: 'pending',
        error: null,
      };
      for (const entry of snapshot.outbox) {
        if (entry.holdFor && entry.id == null && entry.args.application_id === applicationId && entry.args.requirement_code === requirementCode) {
          await store.discard(entry.seq);
        }
      }
      await store.enqueue(
        { name: 'application.attach', args: { application_id: applicationId, requirement_code: requirementCode, document_id: documentId }, clientTime: clientTime(), holdFor: documentId },
        { upload: { record, blob: { documentId, file, pages } } },
      );
      await edited();
      return documentId;
    },
    /**
     * A mutation of another domain that carries photos (Blobs, already compressed: JPEG, PNG
     * or WebP), e.g. complaint.file. Each photo gets a document id and an upload record, and
     * they and the mutation (args[field] = the ids, in order) are stored in one transaction;
     * the mutation is held until the pulled view has every photo `ready` (the server checks
     * them when it applies it). A photo the server can never take is left out of it (see
     * idb-store releaseIn). -> the document ids
     */
    async mutateWithPhotos(name, args, photos, { field = 'photos', filename = 'foto' } = {}) {
      if (!photos.length) {
        await enqueue(name, { ...args, [field]: [] });
        return [];
      }
      const uploads = [];
      for (const [index, file] of photos.entries()) {
        const extension = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' }[file.type];
        if (!extension) throw new Error(`not a photo: ${file.type}`);
        const documentId = newId();
        const record = {
          documentId,
          applicationId: null,
          requirementCode: null,
          filename: `${filename}-${index + 1}.${extension}`,
          contentType: file.type,
          size: file.size,
          sha256: await hash(file),
          pages: 1,
          url: null,
          status: 'pending',
          error: null,
        };
        uploads.push({ record, blob: { documentId, file, pages: [file] } });
      }
      const ids = uploads.map((u) => u.record.documentId);
      await store.enqueue({ name, args: { ...args, [field]: ids }, clientTime: clientTime(), holdFor: ids }, { uploads });
      await edited();
      return ids;
    },
    /** The stored pages of a local document (for previews), or null. */
    async pages(documentId) {
      return (await store.blob(documentId))?.pages ?? null;
    },

    // ---- the queue ----
    /** Drop an unsent outbox entry (by `seq` from view.queue) and what depends on it. -> false if already sent */
    async discard(seq) {
      const ok = await store.discard(seq);
      await refresh({ broadcast: true });
      return ok;
    },
    async dismissUpload(documentId) {
      await store.dismissUpload(documentId);
      await refresh({ broadcast: true });
    },
    async dismissRejection(key) {
      await store.dismissRejection(key);
      await refresh({ broadcast: true });
    },
  };
  return engine;
}
