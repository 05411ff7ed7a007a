// The queue: counts per state as tabs, a service filter, search by reference or NIK, rows
// in the server's order (SLA risk, then age). Refreshed every 30 s and when the tab is
// looked at again, so an officer coming back to the counter sees what arrived meanwhile.

import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { formatDateTime, pick } from '../../format.js';
import { errorText } from '../i18n.js';
import { QUEUE_PAGE, queuePath, queueStates } from '../logic.js';
import { SlaTag, StateTag } from './common.jsx';

export const REFRESH_MS = 30000;

export function Queue({ t, lang, client, navigate }) {
  const [filter, setFilter] = useState({ state: '', service: '', q: '' });
  const [typed, setTyped] = useState('');
  const [data, setData] = useState(null);
  const [limit, setLimit] = useState(QUEUE_PAGE);
  const [error, setError] = useState(null);
  const [updatedAt, setUpdatedAt] = useState(null);
  // Services met so far: the filter keeps offering them while one is selected.
  const [services, setServices] = useState(() => new Map());
  const generation = useRef(0);
  // The tabs: the states the server publishes as the queue's (the counts' keys until then).
  const [published, setPublished] = useState(null);

  useEffect(() => {
    client
      .states()
      .then((body) => setPublished(queueStates(body)))
      .catch(() => {});
  }, [client]);

  const load = useCallback(async () => {
    const mine = ++generation.current;
    try {
      const body = await client.getJson(queuePath({ ...filter, limit }));
      if (mine !== generation.current) return; // an older answer arriving late
      setData(body);
      setError(null);
      setUpdatedAt(new Date().toISOString());
      setServices((known) => {
        const next = new Map(known);
        for (const item of body.items) next.set(item.service.code, item.service);
        return next.size === known.size ? known : next;
      });
    } catch (err) {
      if (mine === generation.current) setError(err);
    }
  }, [client, filter, limit]);

  useEffect(() => {
    load();
    const timer = setInterval(load, REFRESH_MS);
    const onVisible = () => document.visibilityState === 'visible' && load();
    window.addEventListener('focus', load);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      window.removeEventListener('focus', load);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [load]);

  const counts = data?.counts || {};
  const tabStates = published || Object.keys(counts);
  const allCount = tabStates.reduce((sum, s) => sum + (counts[s] || 0), 0);
  const search = (event) => {
    event.preventDefault();
    setFilter((f) => ({ ...f, q: typed }));
  };

  return (
    <section aria-labelledby="queue-title" class="queue">
      <div class="queue-head">
        <h1 id="queue-title">{t('queue.title')}</h1>
        <p class="muted small" aria-live="polite">
          {updatedAt && t('queue.updated', { when: formatDateTime(lang, updatedAt) })}{' '}
          <button type="button" class="btn btn-quiet btn-small" onClick={load} data-action="refresh">
            {t('queue.refresh')}
          </button>
        </p>
      </div>

      <div class="tabs" role="tablist" aria-label={t('queue.state')}>
        {['', ...tabStates].map((state) => (
          <button
            type="button"
            role="tab"
            key={state || 'all'}
            aria-selected={filter.state === state}
            class="tab"
            data-tab={state || 'all'}
            onClick={() => setFilter((f) => ({ ...f, state }))}
          >
            {t(state ? `state.${state}` : 'state.all')}
            <span class="tab-count">{state ? counts[state] ?? 0 : allCount}</span>
          </button>
        ))}
      </div>

      <div class="filters">
        <form class="search" role="search" onSubmit={search}>
          <label class="sr-only" for="queue-search">
            {t('queue.search')}
          </label>
          <input id="queue-search" type="search" placeholder={t('queue.search')} value={typed} onInput={(e) => setTyped(e.currentTarget.value)} autocomplete="off" />
          <button type="submit" class="btn btn-secondary">
            {t('queue.searchButton')}
          </button>
        </form>
        <label class="service-filter">
          <span class="sr-only">{t('queue.service')}</span>
          <select id="queue-service" value={filter.service} onChange={(e) => setFilter((f) => ({ ...f, service: e.currentTarget.value }))}>
            <option value="">{t('queue.allServices')}</option>
            {[...services.values()].map((s) => (
              <option key={s.code} value={s.code}>
                {pick(lang, s, 'name')}
              </option>
            ))}
          </select>
        </label>
      </div>

      {error && (
        <p class="alert alert-bad" role="alert">
          {errorText(t, error)}{' '}
          <button type="button" class="btn btn-small btn-secondary" onClick={load}>
            {t('retry')}
          </button>
        </p>
      )}
      {!data && !error && <p class="muted">{t('loading')}</p>}
      {data && data.items.length === 0 && <p class="empty">{t('queue.empty')}</p>}
      {data && data.items.length > 0 && (
        <>
          <div class="rows-head" aria-hidden="true">
            <span>{t('queue.sla')}</span>
            <span>{t('queue.reference')}</span>
            <span>{t('queue.applicant')}</span>
            <span>{t('queue.state')}</span>
            <span>{t('queue.submitted')}</span>
          </div>
          <ul class="rows">
            {data.items.map((item) => (
              <li key={item.id}>
                <a class="row" href={`#/permohonan/${item.id}`} data-row={item.reference}>
                  <span class="row-sla">
                    <SlaTag t={t} lang={lang} daysLeft={item.working_days_left} dueOn={item.due_on} />
                  </span>
                  <span class="row-ref">
                    <strong class="mono">{item.reference}</strong>
                    <span class="muted small">{pick(lang, item.service, 'name')}</span>
                  </span>
                  <span class="row-who">
                    <span>{item.applicant?.name || '–'}</span>
                    <span class="muted small mono">{item.applicant?.nik_masked}</span>
                  </span>
                  <span class="row-state">
                    <StateTag t={t} state={item.state} />
                    {item.reviewer && (
                      <span class="small reviewer" data-reviewer={item.reviewer.name}>
                        {t('queue.reviewing', { name: item.reviewer.name })}
                      </span>
                    )}
                  </span>
                  <span class="row-when muted small">{formatDateTime(lang, item.submitted_at)}</span>
                </a>
              </li>
            ))}
          </ul>
          <p class="muted small queue-foot">
            {t('queue.total', { n: data.total, count: data.total })}
            {data.items.length < data.total && (
              <button type="button" class="btn btn-secondary btn-small" onClick={() => setLimit((n) => Math.min(n + QUEUE_PAGE, 100))} disabled={limit >= 100}>
                {t('queue.more')}
              </button>
            )}
          </p>
        </>
      )}
    </section>
  );
}
