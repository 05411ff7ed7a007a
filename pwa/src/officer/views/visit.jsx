// The citizen's one visit: read the QR ticket (BarcodeDetector over the camera where the
// browser has it; Chromium on Android and ChromeOS, not desktop Linux or Safari) or type
// the code, see what to check, finish the application.

import { useEffect, useRef, useState } from 'preact/hooks';
import { pick } from '../../format.js';
import { errorText } from '../i18n.js';
import { groupCode, ticketCode } from '../logic.js';
import { StateTag } from './common.jsx';

const hasScanner = () => typeof globalThis.BarcodeDetector === 'function' && Boolean(navigator.mediaDevices?.getUserMedia);

export function Visit({ t, lang, client, navigate }) {
  const [typed, setTyped] = useState('');
  const [found, setFound] = useState(null); // {application, check, code}
  const [done, setDone] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [scanning, setScanning] = useState(false);
  const input = useRef(null);

  const lookup = async (text) => {
    const code = ticketCode(text);
    setError(null);
    setDone(null);
    if (!code) {
      setError({ serverMessage: t('visit.badCode') });
      return;
    }
    setBusy(true);
    try {
      const body = await client.lookupTicket(code);
      setFound({ ...body, code });
    } catch (err) {
      setFound(null);
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const complete = async () => {
    setBusy(true);
    setError(null);
    try {
      const fresh = await client.act(found.application, 'complete', { code: found.code });
      setDone(fresh);
      setFound(null);
      setTyped('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="visit" aria-labelledby="visit-title">
      <h1 id="visit-title">{t('visit.title')}</h1>
      <p class="muted">{t('visit.intro')}</p>
      <div class="card stack">
        {hasScanner() ? (
          scanning ? (
            <Scanner
              t={t}
              onCode={(text) => {
                setScanning(false);
                setTyped(groupCode(ticketCode(text) || text));
                lookup(text);
              }}
              onFail={() => {
                setScanning(false);
                setError({ serverMessage: t('visit.cameraFailed') });
                input.current?.focus();
              }}
              onStop={() => setScanning(false)}
            />
          ) : (
            <button type="button" class="btn btn-secondary btn-wide" onClick={() => setScanning(true)} data-action="scan">
              {t('visit.scan')}
            </button>
          )
        ) : (
          <p class="muted small" data-no-scanner>
            {t('visit.noScanner')}
          </p>
        )}
        <form
          class="search"
          onSubmit={(e) => {
            e.preventDefault();
            lookup(typed);
          }}
        >
          <label class="field grow">
            <span>{t('visit.code')}</span>
            <input ref={input} id="ticket-code" class="mono code-input" autocomplete="off" autocapitalize="characters" spellcheck={false} value={typed} onInput={(e) => setTyped(e.currentTarget.value)} aria-describedby="ticket-hint" />
            <span id="ticket-hint" class="muted small">
              {t('visit.codeHint')}
            </span>
          </label>
          <button type="submit" class="btn btn-primary" disabled={busy} data-action="lookup">
            {t('visit.lookup')}
          </button>
        </form>
        {error && (
          <p class="alert alert-bad" role="alert" data-error={error.code || ''}>
            {errorText(t, error)}
          </p>
        )}
      </div>

      {found && (
        <div class="card stack" data-ticket-found={found.check.reference}>
          <div class="review-title-line">
            <h2 class="mono">{found.check.reference}</h2>
            <StateTag t={t} state={found.application.state} />
          </div>
          <p>
            {pick(lang, found.application.service, 'name')} · {found.check.applicant?.name} ·{' '}
            <span class="mono">{found.check.applicant?.nik_masked}</span>
          </p>
          <h3>{t('visit.bring')}</h3>
          <ul class="checklist" data-bring>
            {(found.check.bring || []).map((item, i) => (
              <li key={i}>{item}</li>
            ))}
          </ul>
          <div class="row-actions">
            <button type="button" class="btn btn-primary btn-big" disabled={busy || !(found.application.allowed_actions || []).includes('complete')} onClick={complete} data-action="complete">
              {t('visit.complete')}
            </button>
            <a class="btn btn-quiet" href={`#/permohonan/${found.application.id}`}>
              {t('visit.open')}
            </a>
          </div>
        </div>
      )}

      {done && (
        <div class="card stack" role="status" data-completed={done.reference}>
          <p class="alert alert-ok">{t('visit.completed', { reference: done.reference })}</p>
          <button
            type="button"
            class="btn btn-secondary"
            onClick={() => {
              setDone(null);
              input.current?.focus();
            }}
          >
            {t('visit.next')}
          </button>
        </div>
      )}
    </section>
  );
}

/** The camera and a detection loop; stops the camera when it reads a code or unmounts. */
function Scanner({ t, onCode, onFail, onStop }) {
  const video = useRef(null);
  useEffect(() => {
    let stream = null;
    let stopped = false;
    let timer = null;
    const detector = new globalThis.BarcodeDetector({ formats: ['qr_code'] });
    const tick = async () => {
      if (stopped) return;
      try {
        const codes = await detector.detect(video.current);
        const text = codes.map((c) => c.rawValue).find((raw) => ticketCode(raw));
        if (text) {
          onCode(text);
          return;
        }
      } catch {
        // a frame not ready yet: try the next one
      }
      timer = setTimeout(tick, 250);
    };
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: 'environment' }, audio: false })
      .then((s) => {
        stream = s;
        if (stopped) return;
        video.current.srcObject = s;
        return video.current.play().then(tick);
      })
      .catch(() => !stopped && onFail());
    return () => {
      stopped = true;
      clearTimeout(timer);
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, []);
  return (
    <div class="scanner">
      <video ref={video} muted playsInline class="scanner-video" />
      <button type="button" class="btn btn-quiet" onClick={onStop}>
        {t('visit.stopScan')}
      </button>
    </div>
  );
}
