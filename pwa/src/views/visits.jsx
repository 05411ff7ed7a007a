import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { getJson, NetworkError } from '../api.js';
import { useApp } from '../app-context.js';
import { pick } from '../format.js';
import { hrefFor } from '../router.js';
import { getStorage } from '../storage.js';
import { useServices } from '../use-sync.js';
import {
  bookableByMpp, clockOf, dayOf, firstOpenDay, readSlotCache, slotAge, slotCacheKey, slotDays, sortedVisits,
  writeSlotCache,
} from '../visits.js';
import './visits.css';

/**
 * #/kunjungan: the one visit. The citizen's booked visits (from the synced space, so they
 * and their tickets show offline), and for each MPP the applications that may be booked
 * now, booked together: one arrival time, the counters in order. #/kunjungan/<id>: one
 * visit with its QR ticket, reschedule and cancel.
 *
 * Free slots come from the network only. A list kept from an earlier look is shown with the
 * time it was fetched and how old it is, never as if it were current, and nothing is booked
 * from it without asking the server (which decides who gets the last place anyway).
 */

// Bookings just made or changed on this page, until the next pull brings them into the view.
const recent = new Map();

const LOCALES = { id: 'id-ID', en: 'en-GB' };

function useNow(everyMs) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}

/** "Senin, 7 Des" (short) or "Senin, 7 Desember 2026" (long) of "2026-12-07". */
export function formatDay(lang, date, long = false) {
  const match = /^(\d{4})-(\d\d)-(\d\d)$/.exec(String(date || ''));
  if (!match) return String(date || '');
  const value = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return value.toLocaleDateString(LOCALES[lang] || LOCALES.id, {
    weekday: long ? 'long' : 'short',
    day: 'numeric',
    month: long ? 'long' : 'short',
    year: long ? 'numeric' : undefined,
    timeZone: 'UTC',
  });
}

/** "08.30" (Indonesian) or "08:30" of a visit time. */
function clock(lang, iso) {
  const text = clockOf(iso);
  return lang === 'en' ? text : text.replace(':', '.');
}

/** A clock time of the phone's own (epoch ms), for "fetched at". */
function phoneClock(lang, ms) {
  return new Date(ms).toLocaleTimeString(LOCALES[lang] || LOCALES.id, { hour: '2-digit', minute: '2-digit' });
}

function visitLive(view, id) {
  const synced = view.visits?.[id];
  const mine = recent.get(id);
  if (synced && (!mine || String(synced.updated_at) >= String(mine.updated_at))) return synced;
  return mine || synced || null;
}

export function Visits() {
  const { t, lang, sync, onSyncNow } = useApp();
  const { view } = sync;
  const now = useNow(60000);
  const visits = useMemo(() => {
    const all = { ...(view.visits || {}) };
    for (const [id, value] of recent) if (!all[id]) all[id] = value;
    return all;
  }, [view.visits]);
  const apps = Object.values(view.applications || {});
  const services = useServices(apps.map((a) => a.service_id));
  const groups = bookableByMpp(view.applications, services, visits, now);
  const { open, rest } = sortedVisits(visits, now);
  useEffect(() => {
    onSyncNow(); // bookings made on another device, or an application just made ready
  }, [onSyncNow]);
  return (
    <section class="view visits" aria-labelledby="visits-title">
      <h1 id="visits-title">{t('visits.title')}</h1>
      <p class="intro">{t('visits.intro')}</p>
      {open.length > 0 && (
        <>
          <h2>{t('visits.mine')}</h2>
          <ul class="cards">
            {open.map((visit) => (
              <li key={visit.id}>
                <VisitCard visit={visit} />
              </li>
            ))}
          </ul>
        </>
      )}
      <h2>{t('visits.ready')}</h2>
      {groups.length === 0 ? (
        <p class="empty">
          {t('visits.noneReady')} <a href={hrefFor({ name: 'applications' })}>{t('visits.toApplications')}</a>
        </p>
      ) : (
        groups.map((group) => <BookGroup key={group.mpp} group={group} />)
      )}
      {rest.length > 0 && (
        <details class="visit-history">
          <summary>{t('visits.history', { n: rest.length })}</summary>
          <ul class="cards">
            {rest.map((visit) => (
              <li key={visit.id}>
                <VisitCard visit={visit} />
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

function VisitCard({ visit }) {
  const { t, lang } = useApp();
  return (
    <a class="card visit-card" href={hrefFor({ name: 'visit', id: visit.id })} data-visit={visit.id}>
      <span class="card-title">
        {formatDay(lang, dayOf(visit.arrives_at))} · {clock(lang, visit.arrives_at)}
      </span>
      <span class="card-place">
        {visit.mpp?.name} · {t('visits.errands', { n: (visit.stops || []).length, count: (visit.stops || []).length })}
      </span>
      <span class="card-badges">
        <VisitBadge visit={visit} />
      </span>
    </a>
  );
}

function VisitBadge({ visit }) {
  const { t } = useApp();
  const now = Date.now();
  if (visit.status === 'cancelled') return <span class="state state-neutral">{t('visits.cancelled')}</span>;
  if (visit.status !== 'booked') return <span class="state state-info">{t(`visits.status.${visit.status}`)}</span>;
  if (Date.parse(visit.arrives_at) < now) return <span class="state state-neutral">{t('visits.past')}</span>;
  return <span class="state state-ok">{t('visits.booked')}</span>;
}

/** One MPP's bookable applications: choose which go in this visit, then a time. */
function BookGroup({ group }) {
  const { t, lang, api, navigate, onSyncNow } = useApp();
  // What the citizen took out of this visit: every errand goes in unless unticked, also one
  // that becomes ready while the screen is open (a pull arriving after the first render).
  const [left, setLeft] = useState([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  // The counters are visited in the order the errands are listed, whatever order they are ticked in.
  const items = group.items.filter((i) => !left.includes(i.app.id));
  const chosen = items.map((i) => i.app.id);
  const serviceCodes = items.map((i) => i.service.code);
  const toggle = (id) => setLeft((now) => (now.includes(id) ? now.filter((x) => x !== id) : [...now, id]));
  const book = async (slot) => {
    setBusy(true);
    setError(null);
    try {
      const booking = await api.request('/api/visits/bookings', {
        method: 'POST',
        body: { applications: items.map((i) => i.app.id), arrives_at: slot.arrives_at },
      });
      recent.set(booking.id, booking);
      onSyncNow();
      navigate({ name: 'visit', id: booking.id });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  const titleId = `book-${group.mpp}`;
  return (
    <div class="book-group" data-book-mpp={group.mpp} aria-labelledby={titleId}>
      <h3 id={titleId} class="book-mpp">{group.mpp_name}</h3>
      <fieldset class="choices">
        <legend class="field-label">{t('visits.which')}</legend>
        {group.items.map(({ app, service }) => (
          <label key={app.id} class="choice errand-choice">
            <input type="checkbox" checked={chosen.includes(app.id)} onChange={() => toggle(app.id)} data-errand={app.id} />
            <span>
              <span class="errand-name">{pick(lang, service, 'name')}</span>
              <span class="errand-meta">
                {app.reference || '—'} · {service.agency?.name}
                {app.state !== 'ready' ? ` · ${t('visits.presenceNeeded')}` : ''}
              </span>
            </span>
          </label>
        ))}
      </fieldset>
      {items.length === 0 ? (
        <p class="field-hint">{t('visits.chooseOne')}</p>
      ) : (
        <SlotPicker key={serviceCodes.join(',')} mpp={group.mpp} services={serviceCodes} names={Object.fromEntries(items.map((i) => [i.service.code, pick(lang, i.service, 'name')]))} busy={busy} action={t('visits.book')} onChoose={book} error={error} />
      )}
    </div>
  );
}

/**
 * The free arrival times for these errands at this MPP, asked of the server each time the
 * picker opens (and again on reconnect, on return to the page and every minute). The last
 * answer is kept on the phone only to say what it was and when: offline, the picker shows
 * it with its time and age and books nothing.
 */
export function SlotPicker({ mpp, services, names = {}, busy, action, onChoose, error }) {
  const { t, lang } = useApp();
  const storage = useMemo(getStorage, []);
  const key = slotCacheKey(mpp, services);
  const [state, setState] = useState(() => {
    const kept = readSlotCache(storage, key);
    return { status: 'loading', answer: kept?.answer ?? null, fetchedAt: kept?.fetchedAt ?? null, error: null };
  });
  const [attempt, setAttempt] = useState(0);
  const [day, setDay] = useState(null);
  const [slot, setSlot] = useState(null);
  const now = useNow(15000);
  const refresh = useCallback(() => setAttempt((n) => n + 1), []);

  useEffect(() => {
    const controller = new AbortController();
    const query = new URLSearchParams({ mpp });
    for (const code of services) query.append('service', code);
    setState((s) => ({ ...s, status: 'loading' }));
    getJson(`/api/visits/slots?${query}`, { signal: controller.signal }).then(
      (answer) => {
        const fetchedAt = Date.now();
        writeSlotCache(storage, key, answer, fetchedAt);
        setState({ status: 'ok', answer, fetchedAt, error: null });
      },
      (err) => {
        if (controller.signal.aborted) return;
        setState((s) => ({ ...s, status: err instanceof NetworkError ? 'offline' : 'error', error: err }));
      },
    );
    return () => controller.abort();
  }, [key, attempt, storage, mpp]); // services: the same list whenever key is

  useEffect(() => {
    const onVisible = () => document.visibilityState === 'visible' && refresh();
    window.addEventListener('online', refresh);
    document.addEventListener('visibilitychange', onVisible);
    const timer = setInterval(() => navigator.onLine !== false && document.visibilityState === 'visible' && refresh(), 60000);
    return () => {
      window.removeEventListener('online', refresh);
      document.removeEventListener('visibilitychange', onVisible);
      clearInterval(timer);
    };
  }, [refresh]);

  const days = useMemo(() => slotDays(state.answer), [state.answer]);
  const shownDay = days.find((d) => d.date === day) || days.find((d) => d.date === firstOpenDay(days));
  const age = state.fetchedAt ? slotAge(state.fetchedAt, now) : null;
  const live = state.status === 'ok' && age && !age.stale;
  // A kept list may be shown, never booked from: only a fresh answer enables a time.
  const canBook = state.status === 'ok';
  const chosenSlot = slot && canBook ? findSlot(days, slot) : null;

  if (!state.answer) {
    if (state.status === 'loading') return <p class="loading-text" role="status">{t('visits.slotsLoading')}</p>;
    return (
      <div class="callout callout-warn" role="alert" data-slots-offline>
        <p>{state.status === 'offline' ? t('visits.slotsNeedNetwork') : state.error?.serverMessage || t('error.generic')}</p>
        <button type="button" class="button button-small" onClick={refresh}>
          {t('retry')}
        </button>
      </div>
    );
  }
  return (
    <div class="slot-picker" data-slot-picker>
      <div class={`slot-age ${live ? 'slot-age-live' : 'slot-age-stale'}`} role={live ? 'status' : 'alert'} data-slot-age={live ? 'live' : 'stale'}>
        <p>
          {state.status === 'offline'
            ? t('visits.slotsOffline', { time: phoneClock(lang, state.fetchedAt), n: age.minutes })
            : state.status === 'loading'
              ? t('visits.slotsChecking', { time: phoneClock(lang, state.fetchedAt), n: age.minutes })
              : age.stale
                ? t('visits.slotsOld', { time: phoneClock(lang, state.fetchedAt), n: age.minutes })
                : t('visits.slotsLive', { time: phoneClock(lang, state.fetchedAt) })}
        </p>
        <button type="button" class="button button-small button-secondary" onClick={refresh} disabled={state.status === 'loading'}>
          {t('visits.refresh')}
        </button>
      </div>
      <div class="day-strip" role="group" aria-label={t('visits.day')}>
        {days.map((d) => (
          <button
            key={d.date}
            type="button"
            class="day-chip"
            aria-pressed={shownDay?.date === d.date ? 'true' : 'false'}
            data-day={d.date}
            onClick={() => {
              setDay(d.date);
              setSlot(null);
            }}
          >
            <span class="day-name">{formatDay(lang, d.date)}</span>
            <span class="day-free">
              {d.closed === 'holiday'
                ? t('visits.holiday')
                : d.closed
                  ? t('visits.closed')
                  : d.free > 0
                    ? t('visits.freeTimes', { n: d.free, count: d.free })
                    : t('visits.full')}
            </span>
          </button>
        ))}
      </div>
      {shownDay && (
        <div class="day-times" data-times={shownDay.date}>
          <h4 class="day-title">{formatDay(lang, shownDay.date, true)}</h4>
          {shownDay.closed ? (
            <p class="empty">{shownDay.closed === 'holiday' ? pick(lang, shownDay, 'holiday') || t('visits.holiday') : t('visits.closedDay')}</p>
          ) : shownDay.parts.length === 0 ? (
            <p class="empty">{t('visits.noTimes')}</p>
          ) : (
            shownDay.parts.map((part) => (
              <div key={part.part} class="part">
                <p class="part-name">{t(`visits.part.${part.part}`)}</p>
                <div class="times">
                  {part.slots.map((s) => (
                    <button
                      key={s.arrives_at}
                      type="button"
                      class="time"
                      disabled={!s.free || !canBook || busy}
                      aria-pressed={slot === s.arrives_at ? 'true' : 'false'}
                      data-slot={s.arrives_at}
                      onClick={() => setSlot(s.arrives_at)}
                    >
                      {clock(lang, s.arrives_at)}
                      {!s.free && <span class="visually-hidden"> {t('visits.full')}</span>}
                    </button>
                  ))}
                </div>
              </div>
            ))
          )}
        </div>
      )}
      {chosenSlot && (
        <div class="callout slot-summary" data-slot-summary>
          <p class="callout-title">{t('visits.arriveAt', { day: formatDay(lang, dayOf(chosenSlot.arrives_at), true), time: clock(lang, chosenSlot.arrives_at) })}</p>
          <ol class="stops">
            {chosenSlot.stops.map((stop, i) => (
              <li key={i}>
                <span class="stop-time">{clock(lang, stop.starts_at)}</span> {stop.counter || ''}
                {names[stop.service] ? ` · ${names[stop.service]}` : ''}
              </li>
            ))}
          </ol>
          <button type="button" class="button button-wide" disabled={busy} data-action="book" onClick={() => onChoose(chosenSlot)}>
            {busy ? t('visits.booking') : action}
          </button>
        </div>
      )}
      {error && (
        <p class="field-error" role="alert" data-book-error={error.code || 'network'}>
          {error instanceof NetworkError ? t('visits.bookOffline') : error.serverMessage || t('error.generic')}
        </p>
      )}
    </div>
  );
}

function findSlot(days, arrivesAt) {
  for (const d of days) for (const p of d.parts) for (const s of p.slots) if (s.arrives_at === arrivesAt && s.free) return s;
  return null;
}

/** #/kunjungan/<id>: one visit, from the synced space (offline too). */
export function VisitDetail({ id }) {
  const { t, lang, sync, api, onSyncNow } = useApp();
  const visit = visitLive(sync.view, id);
  const [mode, setMode] = useState(null); // null | 'move' | 'cancel'
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [done, setDone] = useState(null);
  if (!visit) {
    return (
      <section class="view" aria-labelledby="visit-title">
        <h1 id="visit-title">{t('visit.title')}</h1>
        <p class="empty">
          {t('visit.notHere')} <a href={hrefFor({ name: 'visits' })}>{t('visits.title')}</a>
        </p>
      </section>
    );
  }
  const open = visit.status === 'booked' && Date.parse(visit.arrives_at) > Date.now();
  const act = async (path, body, doneKey) => {
    setBusy(true);
    setError(null);
    try {
      const booking = await api.request(`/api/visits/bookings/${encodeURIComponent(visit.id)}/${path}`, { method: 'POST', body });
      recent.set(booking.id, { ...booking, ticket_qr_svg: booking.status === 'booked' ? visit.ticket_qr_svg : null });
      setMode(null);
      setDone(doneKey);
      onSyncNow();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="view visit" aria-labelledby="visit-title">
      <p class="back">
        <a class="back-link" href={hrefFor({ name: 'visits' })}>
          {t('visits.title')}
        </a>
      </p>
      <h1 id="visit-title">{t('visit.title')}</h1>
      {done && (
        <p class="flash flash-ok" role="status">
          {t(done)}
        </p>
      )}
      <div class={`visit-when ${visit.status === 'booked' ? '' : 'visit-when-off'}`} data-visit-when>
        <VisitBadge visit={visit} />
        <p class="visit-day">{formatDay(lang, dayOf(visit.arrives_at), true)}</p>
        <p class="visit-time">
          {t('visit.arrive')} <strong>{clock(lang, visit.arrives_at)}</strong> WIB
        </p>
        <p class="visit-place">
          {visit.mpp?.name}
          {visit.mpp?.address ? ` · ${visit.mpp.address}` : ''}
        </p>
      </div>
      {visit.status === 'booked' && (
        <figure class="ticket visit-ticket" data-visit-ticket>
          {visit.ticket_qr_svg ? (
            <img src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(visit.ticket_qr_svg)}`} alt={t('visit.ticketAlt')} width="220" height="220" />
          ) : (
            <p class="field-hint">{t('visit.qrComing')}</p>
          )}
          <figcaption>
            {t('app.ticketCode')} <code class="ticket-code" data-ticket-code>{visit.ticket}</code>
            <span class="ticket-hint">{t('visit.ticketHint')}</span>
          </figcaption>
        </figure>
      )}
      <h2>{t('visit.order')}</h2>
      <ol class="visit-stops">
        {(visit.stops || []).map((stop) => (
          <li key={stop.position} class="visit-stop" data-stop={stop.position}>
            <span class="stop-time">{clock(lang, stop.starts_at)}</span>
            <span class="stop-body">
              <span class="stop-counter">{stop.counter?.name}</span>
              <span class="stop-service">{pick(lang, stop.service, 'name')}</span>
              <span class="stop-ref">{stop.reference}</span>
            </span>
          </li>
        ))}
      </ol>
      {open && mode === null && (
        <div class="actions visit-actions">
          <button type="button" class="button button-secondary" data-action="reschedule" onClick={() => setMode('move')}>
            {t('visit.reschedule')}
          </button>
          <button type="button" class="button button-danger-outline" data-action="cancel" onClick={() => setMode('cancel')}>
            {t('visit.cancel')}
          </button>
        </div>
      )}
      {open && mode === 'move' && (
        <div class="visit-move">
          <h2>{t('visit.rescheduleTitle')}</h2>
          <SlotPicker
            mpp={visit.mpp?.code}
            services={(visit.stops || []).map((s) => s.service.code)}
            names={Object.fromEntries((visit.stops || []).map((s) => [s.service.code, pick(lang, s.service, 'name')]))}
            busy={busy}
            action={t('visit.moveHere')}
            error={error}
            onChoose={(slot) => act('reschedule', { arrives_at: slot.arrives_at }, 'visit.moved')}
          />
          <button type="button" class="button button-secondary" onClick={() => setMode(null)}>
            {t('visit.keep')}
          </button>
        </div>
      )}
      {open && mode === 'cancel' && (
        <div class="callout callout-warn" data-cancel-confirm>
          <p>{t('visit.cancelConfirm')}</p>
          {error && (
            <p class="field-error" role="alert">
              {error instanceof NetworkError ? t('visits.bookOffline') : error.serverMessage || t('error.generic')}
            </p>
          )}
          <div class="actions">
            <button type="button" class="button button-danger" disabled={busy} data-action="confirm-cancel" onClick={() => act('cancel', undefined, 'visit.cancelledNow')}>
              {t('visit.cancelYes')}
            </button>
            <button type="button" class="button button-secondary" onClick={() => setMode(null)}>
              {t('visit.keep')}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
