// The status line's words, from the engine's status object and a `t(key, params)` from
// src/i18n.js (makeT). Most important first.

/** Every line that applies, e.g. ["2 dokumen belum terkirim", "1 perubahan belum terkirim"]. */
export function statusLines(status, t) {
  const lines = [];
  if (status.needsSignIn) lines.push(t('sync.signIn'));
  if (status.failedUploads) lines.push(t('sync.failedUploads', { n: status.failedUploads }));
  if (status.rejections) lines.push(t('sync.rejections', { n: status.rejections }));
  if (status.pendingUploads) lines.push(t('sync.pendingUploads', { n: status.pendingUploads }));
  if (status.pendingMutations) lines.push(t('sync.pendingChanges', { n: status.pendingMutations }));
  const pending = status.pendingUploads + status.pendingMutations;
  if (pending && !status.online) lines.push(t('sync.offline'));
  else if (pending && status.syncing) lines.push(t('sync.sending'));
  else if (pending && status.lastError && !status.needsSignIn) lines.push(t('sync.retrying'));
  const allSent = !pending && !status.needsSignIn && status.lastSyncedAt;
  if (allSent) lines.push(t('sync.allSent'));
  // "Send your drafts soon" next to "everything is sent" would contradict it.
  else if (status.storagePersisted === false) lines.push(t('sync.notPersistent'));
  return lines;
}

/** The one most important line, or '' when there is nothing to say. */
export function statusText(status, t) {
  return statusLines(status, t)[0] ?? '';
}
