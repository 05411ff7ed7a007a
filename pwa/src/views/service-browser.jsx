import { useApp } from '../app-context.js';
import { useMemo, useState } from 'preact/hooks';
import { formatFee, formatSla, matchesWords, pick } from '../format.js';
import { hrefFor } from '../router.js';
import { useJson } from '../use-json.js';
import { ErrorPanel, Loading } from './common.jsx';

/**
 * The services of one MPP, grouped by agency, with a search box. The whole list (at most a
 * few dozen services) is fetched once and cached by the service worker, so searching works
 * offline and costs no data.
 */
export function ServiceBrowser({ mpp }) {
  const { t, lang } = useApp();
  const path = `/api/services?mpp=${encodeURIComponent(mpp.code)}&limit=500`;
  const { status, data, error, retry } = useJson(path);
  const [query, setQuery] = useState('');

  const groups = useMemo(() => {
    const items = status === 'ok' && Array.isArray(data.items) ? data.items : [];
    const found = items.filter((s) => matchesWords(query, [s.name_id, s.name_en, s.agency && s.agency.name]));
    const byAgency = new Map();
    for (const service of found) {
      const key = service.agency ? service.agency.code : '';
      if (!byAgency.has(key)) byAgency.set(key, { agency: service.agency, services: [] });
      byAgency.get(key).services.push(service);
    }
    return [...byAgency.values()];
  }, [status, data, query]);

  return (
    <section aria-labelledby="services-title">
      <h2 id="services-title">{t('services.title')}</h2>
      <div class="field">
        <label class="field-label" for="service-search">
          {t('services.search')}
        </label>
        <input
          id="service-search"
          class="input"
          type="search"
          value={query}
          placeholder={t('services.searchHint')}
          onInput={(e) => setQuery(e.currentTarget.value)}
          autocomplete="off"
        />
      </div>
      {status === 'loading' && <Loading t={t} rows={3} />}
      {status === 'error' && <ErrorPanel t={t} error={error} offlineKey="services.offline" onRetry={retry} />}
      {status === 'ok' && groups.length === 0 && <p class="empty">{t('services.none')}</p>}
      {groups.map(({ agency, services }) => (
        <div class="agency-group" key={agency ? agency.code : 'none'} data-agency-code={agency && agency.code}>
          <h3 class="agency-title">
            {agency ? agency.name : ''}
            {agency && agency.counter && <span class="agency-meta"> · {agency.counter}</span>}
          </h3>
          <ul class="service-list">
            {services.map((service) => (
              <li key={service.code}>
                <a class="service-link" href={hrefFor({ name: 'service', code: service.code })} data-service-code={service.code}>
                  <span class="service-name">{pick(lang, service, 'name')}</span>
                  <span class="service-meta">
                    {formatSla(t, service.sla_days, 'service.slaShort')} · {formatFee(lang, t, service.fee)}
                  </span>
                </a>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}
