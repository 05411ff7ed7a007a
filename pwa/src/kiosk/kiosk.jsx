// The check-in kiosk at the MPP's entrance (/kiosk): full screen, touch, no sign-in for the
// citizen. A booked visitor shows the visit ticket's QR (camera: BarcodeDetector, else jsQR
// fetched on first use) or types its code; a walk-in chooses a service. Either gets a queue
// number per agency, shown big, as a QR the phone can keep, and printed on the 80 mm receipt
// printer (kiosk.css, @media print). The device sends its kiosk key (floor/device.js);
// answers hold numbers and counters only, never a name or NIK.

import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { NetworkError } from '../api.js';
import { deviceRequest, takeDeviceKey } from '../floor/device.js';
import { wallClock } from '../floor/feed.js';
import { floorT } from '../floor/i18n.js';
import { canUseCamera, makeDetector } from '../floor/scan.js';
import { compactCode, looksLikeTicket } from '../floor/ticket.js';

const IDLE_MS = 45000; // a finished screen goes back to the start for the next person
function storage() {
  try {
    return globalThis.localStorage;
  } catch {
    return null;
  }
}

export function Kiosk() {
  const key = useMemo(() => takeDeviceKey('kiosk', { location, storage: storage(), history }), []);
  const [lang, setLang] = useState('id');
  const t = useMemo(() => floorT(lang), [lang]);
  const [info, setInfo] = useState(null); // GET /api/queue/kiosk
  const [infoError, setInfoError] = useState(null);
  const [screen, setScreen] = useState('home'); // home | scan | walkin | result | error
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  const loadInfo = useCallback(() => {
    if (!key) return;
    deviceRequest('/api/queue/kiosk', { key, lang }).then(
      ({ body }) => {
        setInfo(body);
        setInfoError(null);
      },
      (err) => setInfoError(err),
    );
  }, [key, lang]);

  useEffect(() => {
    loadInfo();
    const timer = setInterval(loadInfo, 60000); // walk-in places left, a new day
    return () => clearInterval(timer);
  }, [loadInfo]);

  const home = useCallback(() => {
    setScreen('home');
    setResult(null);
    setError(null);
    setBusy(false);
    setLang('id');
  }, []);

  // Nobody at the screen for a while: back to the start.
  useEffect(() => {
    if (screen === 'home') return undefined;
    let timer = setTimeout(home, IDLE_MS);
    const poke = () => {
      clearTimeout(timer);
      timer = setTimeout(home, IDLE_MS);
    };
    window.addEventListener('pointerdown', poke);
    window.addEventListener('keydown', poke);
    return () => {
      clearTimeout(timer);
      window.removeEventListener('pointerdown', poke);
      window.removeEventListener('keydown', poke);
    };
  }, [screen, home]);

  const send = async (path, body) => {
    setBusy(true);
    setError(null);
    try {
      const answer = await deviceRequest(path, { key, lang, method: 'POST', body });
      setResult(answer.body);
      setScreen('result');
      loadInfo();
    } catch (err) {
      setError(err);
      setScreen('error');
    } finally {
      setBusy(false);
    }
  };
  const checkIn = (text) => send('/api/queue/kiosk/check-in', { ticket: compactCode(text) });
  const walkIn = (service) => send('/api/queue/kiosk/walk-in', { service: service.code });

  let body;
  if (!key) body = <p class="kiosk-problem" role="alert">{t('kiosk.noKey')}</p>;
  else if (screen === 'scan') body = <Scan t={t} busy={busy} onCode={checkIn} onBack={home} />;
  else if (screen === 'walkin') body = <WalkIn t={t} lang={lang} info={info} busy={busy} onChoose={walkIn} onBack={home} />;
  else if (screen === 'result') body = <Result t={t} lang={lang} info={info} result={result} onDone={home} />;
  else if (screen === 'error') body = <Problem t={t} error={error} onBack={home} />;
  else body = <Home t={t} info={info} infoError={infoError} onScan={() => setScreen('scan')} onWalkIn={() => setScreen('walkin')} />;

  return (
    <div class="kiosk" data-kiosk-screen={screen}>
      <header class="kiosk-bar">
        <img src="/icons/icon.svg" alt="" width="56" height="56" />
        <div class="kiosk-bar-text">
          <p class="kiosk-mpp">{info?.mpp?.name || 'Sekali Datang'}</p>
          <p class="kiosk-sub">{t('kiosk.title')}</p>
        </div>
        <button type="button" class="kiosk-lang" lang={lang === 'id' ? 'en' : 'id'} onClick={() => setLang(lang === 'id' ? 'en' : 'id')}>
          {t('lang.switch')}
        </button>
      </header>
      <main class="kiosk-main" id="main">
        {body}
      </main>
    </div>
  );
}

function Home({ t, info, infoError, onScan, onWalkIn }) {
  return (
    <section class="kiosk-home" aria-labelledby="kiosk-welcome">
      <h1 id="kiosk-welcome">{t('kiosk.welcome')}</h1>
      {infoError && (
        <p class="kiosk-problem" role="alert">
          {infoError instanceof NetworkError ? t('kiosk.offline') : infoError.serverMessage || t('kiosk.offline')}
        </p>
      )}
      {info && info.open === false && (
        <p class="kiosk-problem" role="alert">
          {t('kiosk.closed')}
        </p>
      )}
      <div class="kiosk-choices">
        <button type="button" class="kiosk-choice kiosk-choice-main" data-action="scan" onClick={onScan}>
          <span class="kiosk-choice-icon" aria-hidden="true">
            <QrIcon />
          </span>
          <span class="kiosk-choice-title">{t('kiosk.haveTicket')}</span>
          <span class="kiosk-choice-hint">{t('kiosk.haveTicketHint')}</span>
        </button>
        <button type="button" class="kiosk-choice" data-action="walk-in" onClick={onWalkIn} disabled={info?.open === false}>
          <span class="kiosk-choice-icon" aria-hidden="true">
            <PersonIcon />
          </span>
          <span class="kiosk-choice-title">{t('kiosk.walkIn')}</span>
          <span class="kiosk-choice-hint">{t('kiosk.walkInHint')}</span>
        </button>
      </div>
      <p class="kiosk-help">{t('kiosk.errorHelp')}</p>
    </section>
  );
}

function Scan({ t, busy, onCode, onBack }) {
  const video = useRef(null);
  const [camera, setCamera] = useState(canUseCamera() ? 'starting' : 'off');
  const [typed, setTyped] = useState('');

  useEffect(() => {
    if (camera === 'off') return undefined;
    let stream = null;
    let stopped = false;
    let timer = null;
    (async () => {
      try {
        const detect = await makeDetector();
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'user' }, audio: false });
        if (stopped) return;
        video.current.srcObject = stream;
        await video.current.play();
        setCamera('on');
        const tick = async () => {
          if (stopped) return;
          try {
            const texts = await detect(video.current);
            const found = texts.find(looksLikeTicket);
            if (found) {
              onCode(found);
              return;
            }
          } catch {
            // a frame not ready yet
          }
          timer = setTimeout(tick, 200);
        };
        tick();
      } catch {
        if (!stopped) setCamera('off');
      }
    })();
    return () => {
      stopped = true;
      clearTimeout(timer);
      stream?.getTracks().forEach((track) => track.stop());
    };
    // the camera starts once per visit to this screen
  }, []);

  const submit = (event) => {
    event.preventDefault();
    if (typed.trim()) onCode(typed);
  };
  return (
    <section class="kiosk-scan" aria-labelledby="scan-title">
      <h1 id="scan-title">{t('kiosk.scanTitle')}</h1>
      <div class={`kiosk-camera kiosk-camera-${camera}`}>
        <video ref={video} muted playsInline aria-hidden="true" />
        <span class="kiosk-frame" aria-hidden="true" />
        <p class="kiosk-camera-text" role="status">
          {camera === 'off' ? t('kiosk.cameraOff') : camera === 'starting' ? t('kiosk.cameraStarting') : t('kiosk.scanHint')}
        </p>
      </div>
      <form class="kiosk-type" onSubmit={submit}>
        <label for="kiosk-code" class="kiosk-label">
          {t('kiosk.typeCode')}
          <span class="kiosk-label-hint">{t('kiosk.codeLabel')}</span>
        </label>
        <input
          id="kiosk-code"
          class="kiosk-input"
          value={typed}
          onInput={(e) => setTyped(e.currentTarget.value.toUpperCase())}
          autocomplete="off"
          autocapitalize="characters"
          spellcheck={false}
          inputMode="text"
        />
        <button type="submit" class="kiosk-button" disabled={busy || !typed.trim()} data-action="check-in">
          {busy ? t('kiosk.working') : t('kiosk.check')}
        </button>
      </form>
      <button type="button" class="kiosk-back" onClick={onBack}>
        {t('kiosk.back')}
      </button>
    </section>
  );
}

function serviceName(lang, service) {
  return (lang === 'en' ? service.name_en : service.name_id) || service.name_id || service.code;
}

function WalkIn({ t, lang, info, busy, onChoose, onBack }) {
  const groups = new Map();
  for (const service of info?.services || []) {
    const agency = service.agency?.name || '';
    if (!groups.has(agency)) groups.set(agency, []);
    groups.get(agency).push(service);
  }
  return (
    <section class="kiosk-walkin" aria-labelledby="walkin-title">
      <h1 id="walkin-title">{t('kiosk.chooseService')}</h1>
      {[...groups].map(([agency, services]) => (
        <div key={agency} class="kiosk-agency">
          <h2>{agency}</h2>
          <div class="kiosk-services">
            {services.map((service) => {
              const open = service.walk_in_open !== false && service.walk_in_left !== 0;
              return (
                <button
                  key={service.code}
                  type="button"
                  class="kiosk-service"
                  disabled={!open || busy}
                  data-service={service.code}
                  onClick={() => onChoose(service)}
                >
                  <span class="kiosk-service-name">{serviceName(lang, service)}</span>
                  <span class="kiosk-service-meta">
                    {service.counter?.name}
                    {' · '}
                    {open ? t('kiosk.left', { n: service.walk_in_left ?? '∞' }) : t('kiosk.full')}
                  </span>
                </button>
              );
            })}
          </div>
        </div>
      ))}
      <button type="button" class="kiosk-back" onClick={onBack}>
        {t('kiosk.back')}
      </button>
    </section>
  );
}

function Result({ t, lang, info, result, onDone }) {
  const tickets = result?.tickets || [];
  // When the number was taken, on the MPP's clock (the server's), printed on the receipt.
  const printed = (ticket) => `${ticket.day || ''} ${wallClock(ticket.checked_in_at)}`.trim();
  return (
    <section class="kiosk-result" aria-labelledby="result-title" data-arrival={result?.arrival}>
      <h1 id="result-title" class="kiosk-result-title">
        {tickets.length > 1 ? t('kiosk.yourNumbers', { n: tickets.length }) : t('kiosk.yourNumber')}
      </h1>
      {result?.notice && (
        <div class="kiosk-notice" role="alert" data-notice={result.notice.code}>
          <p class="kiosk-notice-title">{t(`kiosk.notice.${result.notice.code}`)}</p>
          <p>{result.notice.message}</p>
        </div>
      )}
      <ol class="kiosk-tickets">
        {tickets.map((ticket, i) => (
          <li key={ticket.id} class="kiosk-ticket receipt" data-queue-number={ticket.number}>
            <p class="receipt-mpp">{info?.mpp?.name}</p>
            <p class="receipt-time">{printed(ticket)}</p>
            {tickets.length > 1 && <p class="kiosk-step">{i + 1}</p>}
            <p class="kiosk-number">{ticket.number}</p>
            <p class="kiosk-where">{t('kiosk.goTo', { counter: ticket.counter?.name || '' })}</p>
            <p class="kiosk-service-line">
              {(lang === 'en' ? ticket.service?.name_en : ticket.service?.name_id) || ''}
              {ticket.agency?.name ? ` · ${ticket.agency.name}` : ''}
            </p>
            <p class="kiosk-ahead">
              {ticket.waiting_for
                ? t('kiosk.after', { number: ticket.waiting_for })
                : ticket.ahead === 0
                  ? t('kiosk.aheadNone')
                  : ticket.ahead != null
                    ? t('kiosk.ahead', { n: ticket.ahead })
                    : ''}
            </p>
            {ticket.lane === 'booked' && <p class="kiosk-booked">{t('kiosk.booked')}</p>}
            {ticket.qr_svg && (
              <img class="kiosk-qr" src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(ticket.qr_svg)}`} alt={`QR ${ticket.number}`} width="180" height="180" />
            )}
            <p class="receipt-foot">{t('kiosk.receiptFoot')}</p>
          </li>
        ))}
      </ol>
      <p class="kiosk-keep">{t('kiosk.keepQr')}</p>
      <div class="kiosk-actions">
        <button type="button" class="kiosk-button" data-action="print" onClick={() => window.print()}>
          {t('kiosk.print')}
        </button>
        <button type="button" class="kiosk-button kiosk-button-light" data-action="done" onClick={onDone}>
          {t('kiosk.done')}
        </button>
      </div>
    </section>
  );
}

function Problem({ t, error, onBack }) {
  const code = error?.code;
  const known = code && t(`kiosk.errorTitle.${code}`) !== `kiosk.errorTitle.${code}`;
  return (
    <section class="kiosk-error" aria-labelledby="error-title" data-error={error instanceof NetworkError ? 'network' : code}>
      <div class="kiosk-error-mark" aria-hidden="true">!</div>
      <h1 id="error-title">{error instanceof NetworkError ? t('kiosk.errorTitle.other') : t(known ? `kiosk.errorTitle.${code}` : 'kiosk.errorTitle.other')}</h1>
      <p class="kiosk-error-text" role="alert">
        {error instanceof NetworkError ? t('kiosk.offline') : error?.serverMessage || t('kiosk.offline')}
      </p>
      <p class="kiosk-error-help">{t('kiosk.errorHelp')}</p>
      <button type="button" class="kiosk-button" onClick={onBack}>
        {t('kiosk.back')}
      </button>
    </section>
  );
}

function QrIcon() {
  return (
    <svg viewBox="0 0 48 48" width="96" height="96" fill="currentColor">
      <path d="M4 4h16v16H4zm4 4v8h8V8zM28 4h16v16H28zm4 4v8h8V8zM4 28h16v16H4zm4 4v8h8v-8zM28 28h6v6h-6zm10 0h6v6h-6zm-5 5h6v6h-6zm-5 5h6v6h-6zm10 0h6v6h-6z" />
    </svg>
  );
}

function PersonIcon() {
  return (
    <svg viewBox="0 0 48 48" width="96" height="96" fill="currentColor">
      <circle cx="24" cy="14" r="9" />
      <path d="M6 44c0-10 8-17 18-17s18 7 18 17z" />
    </svg>
  );
}
