import { useApp } from '../app-context.js';
import { useEffect, useRef, useState } from 'preact/hooks';
import { NetworkError } from '../api.js';
import { formatPhone } from '../auth.js';
import { formatDate, formatDateTime } from '../format.js';
import {
  PROFILE_FIELDS,
  checkChanges,
  fieldErrors,
  formFromProfile,
  isEraseConfirmed,
  isVerified,
  profileChanges,
} from '../profile.js';
import { useJson } from '../use-json.js';
import { ErrorPanel, Loading } from './common.jsx';

/** What went wrong, in words: ours when offline, else the server's. */
function problem(t, err, offlineKey) {
  if (err instanceof NetworkError) return t(offlineKey);
  return (err && err.serverMessage) || t('error.generic');
}

/**
 * #/profil: the MPP's record of the citizen (editable where not yet verified), their
 * signed-in devices, their data rights (export, erase) and signing out.
 * `api` is the session API; `onSignOut({server, flashKey})` ends the session here.
 */
export function Profile({ onSignOut }) {
  const { t, lang, api } = useApp();
  const me = useJson('/api/me', api.getJson);
  const [saved, setSaved] = useState(null);
  useEffect(() => setSaved(null), [me.data]);
  const profile = saved || me.data;

  return (
    <section class="view" aria-labelledby="profile-title">
      <h1 id="profile-title">{t('profile.title')}</h1>
      <p class="intro">{t('profile.intro')}</p>
      {me.status === 'loading' && <Loading t={t} rows={2} />}
      {me.status === 'error' && <ErrorPanel t={t} error={me.error} offlineKey="profile.offline" onRetry={me.retry} />}
      {me.status === 'ok' && profile && (
        <ProfileForm key={profile.id} profile={profile} onSaved={setSaved} />
      )}
      <Devices />
      <DataRights onErased={() => onSignOut({ server: false, flashKey: 'data.erased' })} />
      <h2>{t('signout.title')}</h2>
      <p class="section-intro">{t('signout.intro')}</p>
      <button
        type="button"
        class="button button-secondary button-wide"
        data-action="sign-out"
        onClick={() => onSignOut({ server: true, flashKey: 'session.signedOut' })}
      >
        {t('signout.button')}
      </button>
    </section>
  );
}

function Status({ status }) {
  if (!status) return null;
  return (
    <p class={`status status-${status.tone}`} role={status.tone === 'error' ? 'alert' : 'status'}>
      {status.text}
    </p>
  );
}

function VerifiedBadge() {
  const { t } = useApp();
  return (
    <span class="badge badge-verified">
      <span aria-hidden="true">✓ </span>
      {t('profile.verified')}
    </span>
  );
}

function displayValue(t, lang, key, value) {
  if (value === null || value === undefined || value === '') return t('profile.notFilled');
  if (key === 'sex') return t(`sex.${value}`);
  if (key === 'birth_date') return formatDate(lang, value);
  return String(value);
}

const INPUTS = {
  full_name: { type: 'text', autoComplete: 'name', maxLength: 200, hint: true },
  nik: { type: 'text', inputMode: 'numeric', autoComplete: 'off', maxLength: 20, hint: true },
  birth_place: { type: 'text', autoComplete: 'off', maxLength: 120 },
  birth_date: { type: 'date', autoComplete: 'bday' },
  address: { textarea: true, autoComplete: 'street-address', maxLength: 500, hint: true },
  kk_number: { type: 'text', inputMode: 'numeric', autoComplete: 'off', maxLength: 20, hint: true },
  email: { type: 'email', inputMode: 'email', autoComplete: 'email', maxLength: 254, hint: true },
};

function ProfileForm({ profile, onSaved }) {
  const { t, lang, api } = useApp();
  const [form, setForm] = useState(() => formFromProfile(profile));
  const [localErrors, setLocalErrors] = useState({}); // key -> i18n key
  const [serverError, setServerError] = useState(null); // the ApiError of the last save
  const [status, setStatus] = useState(null); // {tone, text}
  const [busy, setBusy] = useState(false);
  const formRef = useRef(null);

  // Server messages come in both languages; show the one in use now.
  const messages = {};
  for (const [key, text] of Object.entries(fieldErrors(serverError, lang))) {
    messages[key] = text || t('profile.error.invalid');
  }
  for (const [key, i18nKey] of Object.entries(localErrors)) messages[key] = t(i18nKey);

  const focusFirstError = () => {
    requestAnimationFrame(() => {
      const first = formRef.current && formRef.current.querySelector('[aria-invalid="true"]');
      if (first) first.focus();
    });
  };

  const save = async (e) => {
    e.preventDefault();
    if (busy) return;
    const changes = profileChanges(profile, form);
    const local = checkChanges(changes);
    setServerError(null);
    setLocalErrors(local);
    if (Object.keys(local).length) {
      setStatus({ tone: 'error', key: 'profile.fixErrors' });
      focusFirstError();
      return;
    }
    if (Object.keys(changes).length === 0) {
      setStatus({ tone: 'info', key: 'profile.unchanged' });
      return;
    }
    setBusy(true);
    setStatus(null);
    try {
      const updated = await api.request('/api/me', { method: 'PATCH', body: changes });
      setForm(formFromProfile(updated));
      setStatus({ tone: 'ok', key: 'profile.saved' });
      onSaved(updated);
    } catch (err) {
      if (err instanceof NetworkError) {
        setStatus({ tone: 'error', key: 'profile.saveOffline' });
      } else if (Object.keys(fieldErrors(err, lang)).length) {
        setServerError(err);
        setStatus({ tone: 'error', key: 'profile.fixErrors' });
        focusFirstError();
      } else {
        setStatus({ tone: 'error', text: problem(t, err, 'profile.saveOffline') });
      }
    } finally {
      setBusy(false);
    }
  };

  const set = (key) => (e) => {
    const { value } = e.currentTarget;
    setForm((current) => ({ ...current, [key]: value }));
  };

  const fieldProps = (key) => {
    const error = messages[key];
    const describedBy = [INPUTS[key]?.hint ? `field-${key}-hint` : null, error ? `field-${key}-error` : null]
      .filter(Boolean)
      .join(' ');
    return {
      id: `field-${key}`,
      name: key,
      'aria-invalid': error ? 'true' : undefined,
      'aria-describedby': describedBy || undefined,
    };
  };

  const fieldError = (key) =>
    messages[key] ? (
      <p class="field-error" id={`field-${key}-error`}>
        {messages[key]}
      </p>
    ) : null;

  const renderField = (key) => {
    if (isVerified(profile, key)) {
      return (
        <div class="field field-verified" key={key} data-field={key}>
          <span class="field-label">{t(`field.${key}`)}</span>
          <span class="field-value">{displayValue(t, lang, key, profile[key])}</span>
          <VerifiedBadge />
        </div>
      );
    }
    if (key === 'sex') {
      return (
        <fieldset class="field" key={key} data-field={key} aria-describedby={messages.sex ? 'field-sex-error' : undefined}>
          <legend class="field-label">{t('field.sex')}</legend>
          <div class="choices">
            {['L', 'P'].map((value) => (
              <label class="choice" key={value}>
                <input
                  type="radio"
                  name="sex"
                  value={value}
                  checked={form.sex === value}
                  aria-invalid={messages.sex ? 'true' : undefined}
                  onChange={set('sex')}
                />
                <span>{t(`sex.${value}`)}</span>
              </label>
            ))}
          </div>
          {fieldError(key)}
        </fieldset>
      );
    }
    const spec = INPUTS[key];
    const common = { ...fieldProps(key), class: 'input', value: form[key], onInput: set(key), maxLength: spec.maxLength };
    return (
      <div class="field" key={key} data-field={key}>
        <label class="field-label" for={`field-${key}`}>
          {t(`field.${key}`)}
        </label>
        {spec.hint && (
          <p class="field-hint" id={`field-${key}-hint`}>
            {t(`field.${key}.hint`)}
          </p>
        )}
        {spec.textarea ? (
          <textarea {...common} rows={3} autoComplete={spec.autoComplete} />
        ) : (
          <input
            {...common}
            type={spec.type}
            inputMode={spec.inputMode}
            autoComplete={spec.autoComplete}
            spellcheck={spec.inputMode ? false : undefined}
          />
        )}
        {fieldError(key)}
      </div>
    );
  };

  const statusText = status && (status.key ? t(status.key) : status.text);
  return (
    <form class="form" noValidate ref={formRef} onSubmit={save} aria-labelledby="profile-personal">
      <h2 id="profile-personal">{t('profile.personal')}</h2>
      <div class="field field-verified" data-field="phone">
        <span class="field-label">{t('profile.phone')}</span>
        <span class="field-value">{formatPhone(profile.phone || '') || t('profile.notFilled')}</span>
      </div>
      {PROFILE_FIELDS.map(renderField)}
      <Status status={status && { tone: status.tone, text: statusText }} />
      <button type="submit" class="button button-wide" disabled={busy} aria-busy={busy ? 'true' : undefined}>
        {busy ? t('profile.saving') : t('profile.save')}
      </button>
    </form>
  );
}

function Devices() {
  const { t, lang, api } = useApp();
  const list = useJson('/api/me/devices', api.getJson);
  const [gone, setGone] = useState([]);
  const [status, setStatus] = useState(null);
  const [busyId, setBusyId] = useState(null);

  const items =
    list.status === 'ok' && Array.isArray(list.data.items)
      ? list.data.items.filter((d) => !gone.includes(d.id)).sort((a, b) => Number(b.current) - Number(a.current))
      : [];

  const revoke = async (device, name) => {
    setBusyId(device.id);
    setStatus(null);
    try {
      await api.request(`/api/me/devices/${encodeURIComponent(device.id)}`, { method: 'DELETE' });
      setGone((ids) => [...ids, device.id]);
      setStatus({ tone: 'ok', text: t('devices.revoked', { name }) });
    } catch (err) {
      setStatus({ tone: 'error', text: problem(t, err, 'devices.revokeOffline') });
    } finally {
      setBusyId(null);
    }
  };

  return (
    <>
      <h2>{t('devices.title')}</h2>
      <p class="section-intro">{t('devices.intro')}</p>
      {list.status === 'loading' && <Loading t={t} rows={1} />}
      {list.status === 'error' && (
        <ErrorPanel t={t} error={list.error} offlineKey="devices.offline" onRetry={list.retry} />
      )}
      {items.length > 0 && (
        <ul class="devices">
          {items.map((device) => {
            const name = device.device_name || t('devices.unnamed');
            return (
              <li key={device.id} class="device" data-device-id={device.id}>
                <div class="device-info">
                  <span class="device-name">{name}</span>
                  <span class="device-meta">
                    {t('devices.lastSeen', { time: formatDateTime(lang, device.last_seen_at) })}
                  </span>
                  {device.current && <span class="badge badge-chosen">{t('devices.current')}</span>}
                </div>
                {!device.current && (
                  <button
                    type="button"
                    class="button button-secondary button-small"
                    aria-label={t('devices.revokeLabel', { name })}
                    disabled={busyId === device.id}
                    onClick={() => revoke(device, name)}
                  >
                    {t('devices.revoke')}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <Status status={status} />
    </>
  );
}

/** Save a Blob as a file: an object URL behind a temporary <a download>. */
function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.rel = 'noopener';
  link.hidden = true;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

function DataRights({ onErased }) {
  const { t, api } = useApp();
  const [exporting, setExporting] = useState(false);
  const [exportStatus, setExportStatus] = useState(null);
  const [confirming, setConfirming] = useState(false);
  const [word, setWord] = useState('');
  const [erasing, setErasing] = useState(false);
  const [eraseStatus, setEraseStatus] = useState(null);
  const confirmInput = useRef(null);
  const eraseButton = useRef(null);

  useEffect(() => {
    if (confirming && confirmInput.current) confirmInput.current.focus();
  }, [confirming]);

  const download = async () => {
    setExporting(true);
    setExportStatus(null);
    try {
      const { blob, filename } = await api.request('/api/me/export', { as: 'blob', timeoutMs: 120000 });
      const name = filename || 'sekali-datang.zip';
      saveBlob(blob, name);
      setExportStatus({ tone: 'ok', text: t('data.exported', { name }) });
    } catch (err) {
      setExportStatus({ tone: 'error', text: problem(t, err, 'data.exportOffline') });
    } finally {
      setExporting(false);
    }
  };

  const erase = async (e) => {
    e.preventDefault();
    if (erasing) return;
    if (!isEraseConfirmed(word)) {
      setEraseStatus({ tone: 'error', text: t('data.eraseWrong') });
      confirmInput.current?.focus();
      return;
    }
    setErasing(true);
    setEraseStatus(null);
    try {
      await api.request('/api/me/erase', { method: 'POST', body: { confirm: 'HAPUS' } });
      onErased();
    } catch (err) {
      setErasing(false);
      setEraseStatus({ tone: 'error', text: problem(t, err, 'data.eraseOffline') });
    }
  };

  const cancel = () => {
    setConfirming(false);
    setWord('');
    setEraseStatus(null);
    requestAnimationFrame(() => eraseButton.current?.focus());
  };

  return (
    <>
      <h2>{t('data.title')}</h2>
      <p class="section-intro">{t('data.exportIntro')}</p>
      <button
        type="button"
        class="button button-secondary button-wide"
        data-action="export"
        disabled={exporting}
        aria-busy={exporting ? 'true' : undefined}
        onClick={download}
      >
        {exporting ? t('data.exporting') : t('data.export')}
      </button>
      <Status status={exportStatus} />
      <p class="section-intro section-intro-gap">{t('data.eraseIntro')}</p>
      {!confirming ? (
        <button
          type="button"
          class="button button-danger-outline button-wide"
          data-action="erase"
          ref={eraseButton}
          onClick={() => setConfirming(true)}
        >
          {t('data.erase')}
        </button>
      ) : (
        <form class="danger-zone" noValidate onSubmit={erase}>
          <p class="danger-text">{t('data.eraseWarning')}</p>
          <div class="field">
            <label class="field-label" for="erase-confirm">
              {t('data.eraseLabel')}
            </label>
            <input
              id="erase-confirm"
              ref={confirmInput}
              class="input"
              type="text"
              autoComplete="off"
              autoCapitalize="characters"
              spellcheck={false}
              value={word}
              aria-invalid={eraseStatus ? 'true' : undefined}
              aria-describedby={eraseStatus ? 'erase-status' : undefined}
              onInput={(e) => setWord(e.currentTarget.value)}
            />
          </div>
          {eraseStatus && (
            <p class="field-error" id="erase-status" role="alert">
              {eraseStatus.text}
            </p>
          )}
          <div class="actions">
            <button type="submit" class="button button-danger" disabled={erasing} aria-busy={erasing ? 'true' : undefined}>
              {erasing ? t('data.erasing') : t('data.eraseConfirm')}
            </button>
            <button type="button" class="button button-secondary" onClick={cancel}>
              {t('cancel')}
            </button>
          </div>
        </form>
      )}
    </>
  );
}
