// The engine's uploader over tus-js-client, against the server's tus 1.0 at /api/uploads
// (server/uploads): Upload-Metadata carries document_id (the idempotency key: a retried
// creation returns the same upload), filename, content_type and the whole file's sha256 in
// lower-case hex, which the server checks when the last byte lands. (The server takes no
// document_type there: an upload gets its requirement's type at attach.) The upload URL is
// kept twice: by the engine in its upload record (passed back as `url`) and by tus-js-client's
// URL storage, here in IndexedDB (store "tus" of the sync database), fingerprinted by
// document id, so an interrupted upload resumes at the server's offset after a reload.
import { Upload } from 'tus-js-client';

export const UPLOAD_ENDPOINT = '/api/uploads';

/** tus-js-client's UrlStorage over the sync database's "tus" object store. */
export function idbUrlStorage(dbPromise) {
  const all = async () => {
    const db = await dbPromise;
    const keys = await db.getAllKeys('tus');
    const values = await db.getAll('tus');
    return values.map((v, i) => ({ ...v, urlStorageKey: keys[i] }));
  };
  return {
    findAllUploads: all,
    findUploadsByFingerprint: async (fingerprint) => (await all()).filter((u) => u.fingerprint === fingerprint),
    removeUpload: async (key) => (await dbPromise).delete('tus', key),
    addUpload: async (fingerprint, upload) => {
      const key = `${fingerprint}::${Math.random().toString(36).slice(2)}`;
      await (await dbPromise).put('tus', { ...upload, fingerprint }, key);
      return key;
    },
  };
}

/**
 * Statuses after which retrying the same upload cannot help. Not 409: it means another
 * PATCH of ours still holds the upload (a request the dropped link left hanging on the
 * server) or the offset moved; a HEAD and a retry after the server's short lease resume it.
 */
const PERMANENT = new Set([400, 403, 410, 412, 413, 415]);

export function tusUploader({ getToken, urlStorage, endpoint = UPLOAD_ENDPOINT, chunkSize = 256 * 1024, UploadImpl = Upload }) {
  return {
    upload({ documentId, file, filename, contentType, sha256, url, onUrl, onProgress }) {
      return new Promise((resolve, reject) => {
        const upload = new UploadImpl(file, {
          endpoint,
          uploadUrl: url || null,
          chunkSize,
          retryDelays: [0, 1000, 3000], // short: the engine's own backoff takes over after
          metadata: { document_id: documentId, filename, content_type: contentType, sha256 },
          fingerprint: async () => `sekali-datang-${documentId}`,
          urlStorage,
          storeFingerprintForResuming: true,
          removeFingerprintOnSuccess: true,
          onBeforeRequest: async (req) => {
            const token = await getToken();
            if (token) req.setHeader('Authorization', `Bearer ${token}`);
          },
          onUploadUrlAvailable: () => onUrl(upload.url),
          onProgress: (sent, total) => onProgress(sent, total),
          onSuccess: () => resolve(),
          onError: (err) => {
            const status = err?.originalResponse?.getStatus?.() || null;
            let code = 'upload_failed';
            try {
              code = JSON.parse(err.originalResponse.getBody()).error.code || code;
            } catch {
              // not our JSON (a proxy page) or no answer at all
            }
            // 404: our stored URL is unknown (expired, another account): start again,
            // the same document_id returns the same upload if the server still has it.
            if (status === 404 && url) onUrl(null);
            reject(Object.assign(new Error(code), { status, code, permanent: PERMANENT.has(status) }));
          },
        });
        upload
          .findPreviousUploads()
          .then((previous) => {
            if (!url && previous.length) upload.resumeFromPreviousUpload(previous[0]);
            upload.start();
          })
          .catch(reject);
      });
    },
  };
}
