import { useApp } from '../app-context.js';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, NetworkError, request } from '../api.js';
import {
  CODE_LENGTH,
  cleanCode,
  describeDevice,
  formatCountdown,
  formatPhone,
  isCompleteCode,
  looksLikePhone,
  retryAfter,
  secondsLeft,
} from '../auth.js';

/** Seconds until `deadline` (ms since epoch), ticking once a second until it is reached. */
function useSecondsLeft(deadline) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    setNow(Date.now());
    if (!deadline) return undefined;
    const timer = setInterval(() => {
      const current = Date.now();
      setNow(current);
      if (current >= deadline) clearInterval(timer);
    }, 1000);
    return () => clearInterval(timer);
  }, [deadline]);
  return secondsLeft(deadline, now);
}

/** What to tell the citizen about a failed request: the server's words when it sent some. */
function describeError(t, err) {
  if (err instanceof NetworkError) return t('signin.offline');
  if (err instanceof ApiError) {
    let text = err.serverMessage || t('error.generic');
    const left = Number(err.details?.attempts_left);
    if (err.code === 'otp_invalid' && Number.isFinite(left)) {
      text = `${text} ${t('signin.attemptsLeft', { count: left, n: left })}`;
    }
    return text;
  }
  return t('error.generic');
}

/**
 * #/masuk: phone number, then the 6-digit code. `onSignedIn(result)` gets the verify
 * answer ({token, session, citizen, new_account}) and takes it from there. `initialPhone`:
 * a number the citizen already typed (in the form they came from), so it is not asked twice.
 */
export function SignIn({ onSignedIn, initialPhone = '' }) {
  const { t, lang } = useApp();
  const [step, setStep] = useState('phone');
  const [phone, setPhone] = useState(initialPhone || '');
  const [sent, setSent] = useState(null); // {phone: masked, expires_in}
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null); // {field: 'phone' | 'code', text}
  const [note, setNote] = useState(null);
  const [resendAt, setResendAt] = useState(0);
  const waitSeconds = useSecondsLeft(resendAt);
  const phoneInput = useRef(null);
  const codeInput = useRef(null);

  // Put the cursor where the next thing is to be typed, and back on a field in error. Not
  // on arrival: the app moves focus to the new view itself.
  const arrived = useRef(false);
  useEffect(() => {
    if (!arrived.current) {
      arrived.current = true;
      return;
    }
    if (step === 'code' && !error && codeInput.current) codeInput.current.focus();
    if (error) (error.field === 'code' ? codeInput : phoneInput).current?.focus();
  }, [step, error]);

  const sendCode = async () => {
    if (!phone.trim()) {
      setError({ field: 'phone', text: t('signin.phoneMissing') });
      return;
    }
    if (!looksLikePhone(phone)) {
      setError({ field: 'phone', text: t('signin.phoneInvalid') });
      return;
    }
    setBusy(true);
    setError(null);
    setNote(null);
    try {
      const answer = await request('/api/auth/otp', { method: 'POST', body: { phone }, lang });
      const resend = Number(answer.resend_in) || 60;
      setSent({ phone: answer.phone, expiresIn: Number(answer.expires_in) || 300 });
      setResendAt(Date.now() + resend * 1000);
      if (step === 'code') {
        setCode('');
        setNote(t('signin.resent'));
      }
      setStep('code');
    } catch (err) {
      const wait = retryAfter(err);
      if (wait && step === 'code') setResendAt(Date.now() + wait * 1000);
      setError({ field: step, text: describeError(t, err) });
    } finally {
      setBusy(false);
    }
  };

  const verify = async () => {
    if (!isCompleteCode(code)) {
      setError({ field: 'code', text: t('signin.codeIncomplete') });
      return;
    }
    setBusy(true);
    setError(null);
    setNote(null);
    try {
      const result = await request('/api/auth/otp/verify', {
        method: 'POST',
        body: { phone, code, device_name: describeDevice(globalThis.navigator?.userAgent) },
        lang,
      });
      await onSignedIn(result);
    } catch (err) {
      setBusy(false);
      setError({ field: 'code', text: describeError(t, err) });
    }
  };

  const changePhone = () => {
    setStep('phone');
    setCode('');
    setError(null);
    setNote(null);
  };

  const phoneError = error && error.field === 'phone' ? error.text : null;
  const codeError = error && error.field === 'code' ? error.text : null;

  return (
    <section class="view" aria-labelledby="signin-title">
      <h1 id="signin-title">{t('signin.title')}</h1>
      <p class="intro">{t('signin.intro')}</p>

      {step === 'phone' ? (
        <form
          class="form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            if (!busy) sendCode();
          }}
        >
          <div class="field">
            <label class="field-label" for="signin-phone">
              {t('signin.phone')}
            </label>
            <p class="field-hint" id="signin-phone-hint">
              {t('signin.phoneHint')}
            </p>
            <input
              id="signin-phone"
              ref={phoneInput}
              class="input"
              type="tel"
              inputMode="tel"
              autoComplete="tel"
              name="phone"
              maxLength={32}
              value={phone}
              aria-invalid={phoneError ? 'true' : undefined}
              aria-describedby={phoneError ? 'signin-phone-hint signin-phone-error' : 'signin-phone-hint'}
              onInput={(e) => setPhone(e.currentTarget.value)}
              onBlur={(e) => setPhone(formatPhone(e.currentTarget.value))}
            />
            {phoneError && (
              <p class="field-error" id="signin-phone-error" role="alert">
                {phoneError}
              </p>
            )}
          </div>
          <button type="submit" class="button button-wide" disabled={busy} aria-busy={busy ? 'true' : undefined}>
            {busy ? t('signin.sending') : t('signin.send')}
          </button>
        </form>
      ) : (
        <form
          class="form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            if (!busy) verify();
          }}
        >
          <p class="sent-to" data-masked-phone={sent?.phone}>
            {t('signin.sentTo', {
              phone: sent?.phone,
              minutes: Math.round((sent?.expiresIn || 300) / 60),
              count: Math.round((sent?.expiresIn || 300) / 60),
            })}
          </p>
          {note && (
            <p class="note" role="status">
              {note}
            </p>
          )}
          <div class="field">
            <label class="field-label" for="signin-code">
              {t('signin.code')}
            </label>
            <p class="field-hint" id="signin-code-hint">
              {t('signin.codeHint')}
            </p>
            <input
              id="signin-code"
              ref={codeInput}
              class="input input-code"
              type="text"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9]*"
              name="code"
              maxLength={CODE_LENGTH}
              value={code}
              aria-invalid={codeError ? 'true' : undefined}
              aria-describedby={codeError ? 'signin-code-hint signin-code-error' : 'signin-code-hint'}
              onInput={(e) => {
                const clean = cleanCode(e.currentTarget.value);
                e.currentTarget.value = clean; // keep the field digits-only even if state is unchanged
                setCode(clean);
              }}
            />
            {codeError && (
              <p class="field-error" id="signin-code-error" role="alert">
                {codeError}
              </p>
            )}
          </div>
          <button type="submit" class="button button-wide" disabled={busy} aria-busy={busy ? 'true' : undefined}>
            {busy ? t('signin.checking') : t('signin.submit')}
          </button>
          <div class="actions">
            {waitSeconds > 0 ? (
              <p class="countdown">{t('signin.resendIn', { time: formatCountdown(waitSeconds) })}</p>
            ) : (
              <button type="button" class="button button-secondary" disabled={busy} onClick={sendCode}>
                {t('signin.resend')}
              </button>
            )}
            <button type="button" class="button button-secondary" onClick={changePhone}>
              {t('signin.changePhone')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
