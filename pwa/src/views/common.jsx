import { NetworkError } from '../api.js';

/** Placeholder cards while loading: the layout does not jump when data arrives. */
export function Loading({ t, rows = 3 }) {
  return (
    <div class="loading" role="status" aria-live="polite">
      <p class="loading-text">{t('loading')}</p>
      <ul class="skeletons" aria-hidden="true">
        {Array.from({ length: rows }, (_, i) => (
          <li key={i} class="skeleton" />
        ))}
      </ul>
    </div>
  );
}

/** A client error (404, 400...) will not go away by asking again; the rest may. */
export function isRetryable(error) {
  const status = error && error.status;
  if (!status) return true;
  return !(status >= 400 && status < 500) || status === 408 || status === 429;
}

/** Says what went wrong in the chosen language (or the server's own message). */
export function ErrorPanel({ t, error, offlineKey, onRetry }) {
  let message;
  if (error instanceof NetworkError) message = t(offlineKey);
  else message = (error && error.serverMessage) || t('error.generic');
  return (
    <div class="error" role="alert">
      <p class="error-text">{message}</p>
      {isRetryable(error) && (
        <button type="button" class="button" onClick={onRetry}>
          {t('retry')}
        </button>
      )}
    </div>
  );
}

export function StatusBadge({ t, status }) {
  if (status !== 'preparing') return null;
  return <span class="badge badge-soon">{t('mpp.preparing')}</span>;
}
