import { useApp } from '../app-context.js';
import { hrefFor } from '../router.js';
import { statusLines } from '../sync/index.js';

/**
 * One line that always says what is not yet sent ("2 dokumen belum terkirim"), whether the
 * phone is offline, and what the citizen must do (sign in) for it to go. The words are the
 * engine's (statusLines); this only lays them out. `status` is the engine's status object.
 * Signing in from here comes back to this screen afterwards, with `phone` (a number the
 * citizen typed in the form) already in the sign-in form.
 */
export function SyncStatus({ t, status, onSyncNow, phone = '' }) {
  const { route, signInFrom } = useApp();
  if (!status) return null;
  const lines = statusLines(status, t);
  if (lines.length === 0) return null;
  const pending = (status.pendingMutations || 0) + (status.pendingUploads || 0);
  let tone = 'ok';
  if (status.needsSignIn || status.failedUploads || status.rejections) tone = 'warn';
  else if (pending) tone = status.online ? 'pending' : 'warn';
  const [first, ...rest] = lines;
  return (
    <div class={`sync-status sync-${tone}`} role="status" aria-live="polite" data-sync-status>
      <span class="sync-text">{first}</span>
      {rest.map((line) => (
        <span key={line} class="sync-more">
          {line}
        </span>
      ))}
      {status.needsSignIn ? (
        <a class="button button-small" href={hrefFor({ name: 'signin' })} data-action="sign-in-to-send" onClick={() => signInFrom({ route, phone })}>
          {t('nav.signin')}
        </a>
      ) : (
        pending > 0 &&
        status.online &&
        !status.syncing &&
        onSyncNow && (
          <button type="button" class="button button-small button-secondary" onClick={onSyncNow}>
            {t('sync.now')}
          </button>
        )
      )}
    </div>
  );
}
