import { useApp } from '../app-context.js';
import { formatPlace, pickHours } from '../format.js';
import { hrefFor } from '../router.js';
import { useJson } from '../use-json.js';
import { ErrorPanel, Loading, StatusBadge } from './common.jsx';
import { ServiceBrowser } from './service-browser.jsx';

export function MppDetail({ code }) {
  const { t, lang } = useApp();
  const { status, data: mpp, error, retry } = useJson(`/api/mpps/${encodeURIComponent(code)}`);

  return (
    <section class="view" aria-labelledby="mpp-title">
      <p class="back">
        <a href={hrefFor({ name: 'list' })} class="back-link">
          <span aria-hidden="true">←</span>
          {t('back')}
        </a>
      </p>
      {status === 'loading' && <Loading t={t} rows={4} />}
      {status === 'error' && <ErrorPanel t={t} error={error} offlineKey="mpp.offline" onRetry={retry} />}
      {status === 'ok' && <MppInfo mpp={mpp} />}
    </section>
  );
}

function MppInfo({ mpp }) {
  const { t, lang } = useApp();
  const hours = pickHours(lang, mpp);
  return (
    <div data-mpp-code={mpp.code}>
      <h1 id="mpp-title">{mpp.name}</h1>
      <p class="place">
        {formatPlace(mpp.city, mpp.province)} <StatusBadge t={t} status={mpp.status} />
      </p>
      {(mpp.address || hours) && (
        <dl class="facts">
          {mpp.address && (
            <div>
              <dt>{t('mpp.address')}</dt>
              <dd>{mpp.address}</dd>
            </div>
          )}
          {hours && (
            <div>
              <dt>{t('mpp.hours')}</dt>
              <dd>{hours}</dd>
            </div>
          )}
        </dl>
      )}
      <ServiceBrowser mpp={mpp} />
    </div>
  );
}
