import { useApp } from '../app-context.js';
import { useState } from 'preact/hooks';
import { dismissIosHint, iosHintState } from '../install-hint.js';
import { formatCounts, formatPlace } from '../format.js';
import { hrefFor, isMppCode } from '../router.js';
import { useJson } from '../use-json.js';
import { ErrorPanel, Loading, StatusBadge } from './common.jsx';

export function MppList({ chosen, onChoose }) {
  const { t, lang } = useApp();
  const { status, data, error, retry } = useJson('/api/mpps');
  const items = status === 'ok' && Array.isArray(data.items) ? data.items.filter((m) => isMppCode(m?.code)) : [];

  return (
    <section class="view" aria-labelledby="mpps-title">
      <h1 id="mpps-title">{t('mpps.title')}</h1>
      <p class="intro">{t('mpps.intro')}</p>
      <IosHint />
      {status === 'loading' && <Loading t={t} />}
      {status === 'error' && <ErrorPanel t={t} error={error} offlineKey="mpps.offline" onRetry={retry} />}
      {status === 'ok' && items.length === 0 && <p class="empty">{t('mpps.empty')}</p>}
      {items.length > 0 && (
        <ul class="cards">
          {items.map((mpp) => (
            <li key={mpp.code}>
              <a
                class={mpp.code === chosen ? 'card card-chosen' : 'card'}
                href={hrefFor({ name: 'mpp', code: mpp.code })}
                data-mpp-code={mpp.code}
                onClick={() => onChoose(mpp.code)}
              >
                <span class="card-title">{mpp.name}</span>
                <span class="card-place">{formatPlace(mpp.city, mpp.province)}</span>
                <span class="card-counts">{formatCounts(lang, mpp.agency_count, mpp.service_count)}</span>
                {(mpp.status === 'preparing' || mpp.code === chosen) && (
                  <span class="card-badges">
                    <StatusBadge t={t} status={mpp.status} />
                    {mpp.code === chosen && <span class="badge badge-chosen">{t('mpp.chosen')}</span>}
                  </span>
                )}
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Safari on an iPhone has no install prompt: tell the citizen where "Add to Home Screen" is. */
function IosHint() {
  const { t } = useApp();
  const [shown, setShown] = useState(() => iosHintState());
  if (!shown) return null;
  return (
    <div class="callout" data-ios-hint role="note">
      <p>{t('ios.hint')}</p>
      <button
        type="button"
        class="button button-small button-secondary"
        onClick={() => {
          dismissIosHint();
          setShown(false);
        }}
      >
        {t('ios.dismiss')}
      </button>
    </div>
  );
}
