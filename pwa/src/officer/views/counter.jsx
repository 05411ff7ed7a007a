// The counter (loket) screen of the officer console (#/loket): the counter's line (booked
// visitors checked in on time, walk-ins, and those who must finish at another counter
// first), call next, recall, no-show once called enough times, transfer, serve (which opens
// the linked application) and complete. Everything is the queue API's
// (server/visit_queue): the order of the line and every rule are the server's; this screen
// shows what it answers and refreshes every few seconds and after each action.

import { useCallback, useEffect, useState } from 'preact/hooks';
import { errorText } from '../i18n.js';
import { walkInHref } from './walk-in.jsx';
import './counter.css';

const REFRESH_MS = 4000;
const COUNTER_KEY = 'sd.officer.counter';
const DESK_KEY = 'sd.officer.desk';

function remembered(key) {
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

function remember(key, value) {
  try {
    sessionStorage.setItem(key, value);
  } catch {
    // the choice holds for this page
  }
}

function clockOf(iso) {
  const match = /T(\d\d):(\d\d)/.exec(String(iso || ''));
  return match ? `${match[1]}.${match[2]}` : '';
}

function minutesSince(iso, now) {
  const at = Date.parse(iso);
  return Number.isFinite(at) ? Math.max(0, Math.floor((now - at) / 60000)) : null;
}

function serviceName(lang, service) {
  return (lang === 'en' ? service?.name_en : service?.name_id) || service?.name_id || service?.code || '';
}

export function Counter({ t, lang, client, navigate }) {
  const [counters, setCounters] = useState(null);
  const [code, setCode] = useState(() => remembered(COUNTER_KEY));
  const [desk, setDesk] = useState(() => Number(remembered(DESK_KEY)) || 1);
  const [line, setLine] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [transferTo, setTransferTo] = useState('');
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    client.getJson('/api/queue/counters').then(
      (body) => {
        setCounters(body.items || []);
        if (!code || !(body.items || []).some((c) => c.code === code)) setCode(body.items?.[0]?.code || null);
      },
      (err) => setError(err),
    );
    // the counters of the officer's reach are read once per visit to the screen
  }, [client]);

  const load = useCallback(() => {
    if (!code) return Promise.resolve();
    return client.getJson(`/api/queue/counters/${encodeURIComponent(code)}/line`).then(
      (body) => {
        setLine(body);
        setNow(Date.now());
      },
      (err) => setError(err),
    );
  }, [client, code]);

  useEffect(() => {
    setLine(null);
    load();
    const timer = setInterval(load, REFRESH_MS);
    const onFocus = () => load();
    window.addEventListener('focus', onFocus);
    return () => {
      clearInterval(timer);
      window.removeEventListener('focus', onFocus);
    };
  }, [load]);

  const act = async (path, body) => {
    setBusy(true);
    setError(null);
    try {
      const ticket = await client.request(path, { method: 'POST', body });
      await load();
      return ticket;
    } catch (err) {
      setError(err);
      await load();
      return null;
    } finally {
      setBusy(false);
    }
  };

  const chooseCounter = (value) => {
    setCode(value);
    remember(COUNTER_KEY, value);
  };
  const chooseDesk = (value) => {
    setDesk(value);
    remember(DESK_KEY, String(value));
  };

  const counter = counters?.find((c) => c.code === code) || line?.counter || null;
  const mine = (line?.current || []).find((ticket) => (ticket.desk || 1) === desk) || null;
  const others = (line?.current || []).filter((ticket) => ticket !== mine);
  const waiting = (line?.booked?.length || 0) + (line?.walk_in?.length || 0);
  const ticketPath = (ticket, action) => `/api/queue/tickets/${ticket.id}/${action}`;

  const serve = async (ticket) => {
    const served = await act(ticketPath(ticket, 'serve'), {});
    const first = served?.applications?.[0];
    if (first) navigate({ name: 'review', id: first.id });
  };

  return (
    <section class="counter" aria-labelledby="counter-title" data-counter={code || ''}>
      <div class="counter-head">
        <h1 id="counter-title">{t('counter.title')}</h1>
        <label class="counter-pick">
          <span>{t('counter.which')}</span>
          <select value={code || ''} onChange={(e) => chooseCounter(e.currentTarget.value)} data-counter-select>
            {(counters || []).map((c) => (
              <option key={c.code} value={c.code}>
                {c.name} · {c.agency?.name}
              </option>
            ))}
          </select>
        </label>
        {counter && counter.desks > 1 && (
          <label class="counter-pick">
            <span>{t('counter.desk')}</span>
            <select value={String(desk)} onChange={(e) => chooseDesk(Number(e.currentTarget.value))} data-desk-select>
              {Array.from({ length: counter.desks }, (_, i) => (
                <option key={i} value={String(i + 1)}>
                  {i + 1}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {error && (
        <p class="alert alert-bad" role="alert" data-counter-error={error.code || 'network'}>
          {errorText(t, error)}
        </p>
      )}
      {counters && counters.length === 0 && <p class="empty">{t('counter.none')}</p>}
      <div class="counter-body">
        <div class="counter-now" aria-labelledby="now-title">
          <h2 id="now-title" class="section-title">
            {t('counter.now')}
          </h2>
          {mine ? (
            <div class={`counter-ticket counter-ticket-${mine.status}`} data-current={mine.number} data-status={mine.status}>
              <p class="counter-number">{mine.number}</p>
              <p class="counter-service">{serviceName(lang, mine.service)}</p>
              <p class="counter-tags">
                <span class={`lane lane-${mine.lane}`}>{t(`counter.lane.${mine.lane}`)}</span>
                <span class="muted">
                  {t(`counter.status.${mine.status}`)}
                  {mine.status === 'called' ? ` · ${t('counter.calls', { n: mine.calls, count: mine.calls })}` : ''}
                </span>
              </p>
              {mine.lane === 'walk_in' && mine.status === 'serving' && (mine.applications || []).length === 0 && (
                // A walk-in without the app: start their application here (#18).
                <p class="counter-apps">
                  <a href={walkInHref({ service: mine.service?.code || '' })} class="btn btn-small btn-secondary" data-start-walk-in>
                    {t('walkIn.fromTicket')}
                  </a>
                </p>
              )}
              {(mine.applications || []).length > 0 && (
                <p class="counter-apps">
                  {mine.applications.map((application) => (
                    <a key={application.id} href={`#/permohonan/${application.id}`} class="btn btn-small btn-secondary" data-open-application={application.id}>
                      {t('counter.openApplication')} {application.reference || ''}
                    </a>
                  ))}
                </p>
              )}
              <div class="counter-actions">
                {mine.status === 'called' && (
                  <button type="button" class="btn btn-primary btn-big" disabled={busy} data-action="serve" onClick={() => serve(mine)}>
                    {t('counter.serve')}
                  </button>
                )}
                <button type="button" class="btn btn-ok btn-big" disabled={busy} data-action="complete" onClick={() => act(ticketPath(mine, 'complete'))}>
                  {t('counter.complete')}
                </button>
                {mine.status === 'called' && (
                  <>
                    <button type="button" class="btn btn-secondary" disabled={busy} data-action="recall" onClick={() => act(ticketPath(mine, 'recall'))}>
                      {t('counter.recall')}
                    </button>
                    <button
                      type="button"
                      class="btn btn-bad-outline"
                      disabled={busy || mine.calls < (line?.no_show_after || 1)}
                      data-action="no-show"
                      title={t('counter.noShowAfter', { n: line?.no_show_after })}
                      onClick={() => act(ticketPath(mine, 'no-show'))}
                    >
                      {t('counter.noShow')}
                    </button>
                  </>
                )}
              </div>
              {mine.status === 'called' && mine.calls < (line?.no_show_after || 1) && (
                <p class="muted small">{t('counter.noShowAfter', { n: line?.no_show_after })}</p>
              )}
              <form
                class="counter-transfer"
                onSubmit={(e) => {
                  e.preventDefault();
                  if (transferTo) act(ticketPath(mine, 'transfer'), { counter: transferTo }).then(() => setTransferTo(''));
                }}
              >
                <label>
                  <span>{t('counter.transferTo')}</span>
                  <select value={transferTo} onChange={(e) => setTransferTo(e.currentTarget.value)} data-transfer-select>
                    <option value="">{t('counter.transferChoose')}</option>
                    {(counters || [])
                      .filter((c) => c.code !== code)
                      .map((c) => (
                        <option key={c.code} value={c.code}>
                          {c.name} · {c.agency?.name}
                        </option>
                      ))}
                  </select>
                </label>
                <button type="submit" class="btn btn-quiet" disabled={busy || !transferTo} data-action="transfer">
                  {t('counter.transfer')}
                </button>
              </form>
            </div>
          ) : (
            <div class="counter-idle">
              <p class="counter-idle-text">{waiting ? t('counter.waiting', { n: waiting, count: waiting }) : t('counter.empty')}</p>
              <button
                type="button"
                class="btn btn-primary btn-big counter-call"
                disabled={busy || !code}
                data-action="call-next"
                onClick={() => act(`/api/queue/counters/${encodeURIComponent(code)}/call-next`, { desk })}
              >
                {t('counter.callNext')}
              </button>
            </div>
          )}
          {others.length > 0 && (
            <p class="muted small counter-others">
              {t('counter.otherDesks')}: {others.map((o) => `${o.number} (${o.desk || 1})`).join(', ')}
            </p>
          )}
        </div>
        <div class="counter-line" aria-labelledby="line-title">
          <h2 id="line-title" class="section-title">
            {t('counter.line')}
          </h2>
          <LineGroup t={t} lang={lang} now={now} title={t('counter.booked')} lane="booked" tickets={line?.booked} />
          <LineGroup t={t} lang={lang} now={now} title={t('counter.walkIn')} lane="walk_in" tickets={line?.walk_in} />
          {(line?.later || []).length > 0 && (
            <LineGroup t={t} lang={lang} now={now} title={t('counter.later')} lane="later" tickets={line.later} />
          )}
        </div>
      </div>
    </section>
  );
}

function LineGroup({ t, lang, now, title, lane, tickets }) {
  const list = tickets || [];
  return (
    <div class="line-group" data-lane={lane}>
      <h3 class="line-title">
        {title} <span class="tab-count">{list.length}</span>
      </h3>
      {list.length === 0 ? (
        <p class="muted small">{t('counter.noneHere')}</p>
      ) : (
        <ol class="line-list">
          {list.map((ticket) => (
            <li key={ticket.id} class="line-row" data-ticket={ticket.number}>
              <span class="line-number">{ticket.number}</span>
              <span class="line-service">{serviceName(lang, ticket.service)}</span>
              <span class="line-time">
                {ticket.waiting_for
                  ? t('counter.after', { number: ticket.waiting_for })
                  : t('counter.since', { time: clockOf(ticket.checked_in_at), n: minutesSince(ticket.checked_in_at, now) ?? 0 })}
              </span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
