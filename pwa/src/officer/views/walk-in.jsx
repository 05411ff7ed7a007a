// Walk-in applications at the counter (#18): the officer identifies a citizen who came
// without the app (a one-time code to their phone, or a note that they have none, and the
// NIK with the birth date), fills the service's form with them, photographs each document
// with the tablet's camera and submits. The photos go through the PWA's own capture code
// (pwa/src/capture: the quality check, then the compressor) and its tus uploader, into
// the citizen's space (server/walk_in); the rules are the server's, its refusals are shown
// next to the field they name. Routes: #/loket-baru (start; ?layanan=<code> from a
// walk-in queue ticket) and #/loket-baru/<id> (continue). What is typed and photographed
// and not yet on the server is kept on the tablet as it happens (walk-in-drafts.js), so a
// reload, a crashed tab or a dropped connection loses nothing.

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { formatDateTime, pick } from '../../format.js';
import { getStorage } from '../../storage.js';
import { CaptureError, compressPhoto } from '../../capture/compress.js';
import { checkBitmap, decodePhoto, limitsFor } from '../../capture/quality.js';
import { tusUploader } from '../../sync/adapters/tus-uploader.js';
import { errorText } from '../i18n.js';
import { StateTag } from './common.jsx';
import {
  clearWalkInDraft, forgetPhoto, forgetWalkInPhotos, idbPhotoStore, keepPhoto, pruneWalkInDrafts, readWalkInDraft, restoreStart, startDraft, unsavedValues, waitingPhotos, writeWalkInDraft,
} from './walk-in-drafts.js';
import './walk-in.css';

const BASE = '/api/officer/walk-in';
const PREFIX = '#/loket-baru';

/** The walk-in route in a location hash: {id} to continue, {service} to start, or null. */
export function walkInRoute(hash) {
  if (!hash || !hash.startsWith(PREFIX)) return null;
  const rest = hash.slice(PREFIX.length);
  if (rest.startsWith('/') && rest.length > 1) return { id: decodeURIComponent(rest.slice(1).split('?')[0]) };
  const service = new URLSearchParams(rest.split('?')[1] || '').get('layanan');
  return { id: null, service: service || '' };
}

export function walkInHref({ id = null, service = '' } = {}) {
  if (id) return `${PREFIX}/${encodeURIComponent(id)}`;
  return service ? `${PREFIX}?layanan=${encodeURIComponent(service)}` : PREFIX;
}

/** Messages per field from a refusal's details (details.fields: {key: {message_id, message_en}}). */
function fieldErrors(error, lang) {
  const fields = error?.details?.fields || error?.details?.invalid_fields || {};
  const out = {};
  for (const [key, problem] of Object.entries(fields)) {
    if (problem && typeof problem === 'object' && !Array.isArray(problem)) {
      out[key] = lang === 'en' ? problem.message_en || problem.message : problem.message_id || problem.message;
    }
  }
  return out;
}

const EMPTY_START = { service_id: '', phone: '', code: '', no_phone: false, note: '', nik: '', birth_date: '', sex: '', full_name: '' };
let photoStore = null; // one IndexedDB connection for the console's lifetime

export function WalkIn({ t, lang, client, tokens, route, me }) {
  const officerId = me?.id ?? 'officer';
  useEffect(() => pruneWalkInDrafts(getStorage()), []);
  photoStore ??= idbPhotoStore();
  return route.id ? (
    <WalkInApplication key={route.id} t={t} lang={lang} client={client} tokens={tokens} id={route.id} officerId={officerId} photos={photoStore} />
  ) : (
    <WalkInStart t={t} lang={lang} client={client} service={route.service} officerId={officerId} />
  );
}

/** A note that what was typed before a reload is back (and that it is not on the server yet). */
function Restored({ t }) {
  return (
    <p class="alert alert-ok" role="status" data-draft-restored>
      {t('walkIn.restored')}
    </p>
  );
}

function WalkInStart({ t, lang, client, service: preset, officerId }) {
  const storage = getStorage();
  const [services, setServices] = useState(null);
  const [open, setOpen] = useState([]);
  const [form, setForm] = useState(() => restoreStart(EMPTY_START, readWalkInDraft(storage, officerId, null), preset));
  const [restored, setRestored] = useState(() => Object.keys(startDraft(form)).length > 0);
  const startedRef = useRef(false);
  useEffect(() => {
    if (!startedRef.current) writeWalkInDraft(storage, officerId, null, startDraft(form));
  }, [form]);
  const [sent, setSent] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    client
      .getJson(`${BASE}/services`)
      .then((body) => {
        setServices(body.items);
        setForm((f) => ({ ...f, service_id: f.service_id || body.items[0]?.code || '' }));
      })
      .catch(setError);
    client
      .getJson(BASE)
      .then((body) => setOpen(body.items))
      .catch(() => {});
  }, [client]);

  const set = (key) => (e) => setForm({ ...form, [key]: e.currentTarget.type === 'checkbox' ? e.currentTarget.checked : e.currentTarget.value });
  const errors = fieldErrors(error, lang);

  const sendCode = async () => {
    setBusy(true);
    setError(null);
    try {
      const body = await client.request(`${BASE}/code`, { method: 'POST', body: { phone: form.phone } });
      setSent(body);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const start = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const body = {
      service_id: form.service_id,
      no_phone: form.no_phone,
      note: form.note,
      nik: form.nik.replace(/\D/g, ''),
      birth_date: form.birth_date,
      sex: form.sex || null,
      full_name: form.full_name.trim() || null,
      ...(form.no_phone ? {} : { phone: form.phone, code: form.code.trim() }),
    };
    try {
      const made = await client.request(BASE, { method: 'POST', body });
      startedRef.current = true;
      clearWalkInDraft(storage, officerId, null); // the server holds it now
      location.hash = walkInHref({ id: made.id });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <section class="walk-in" aria-labelledby="walk-in-title">
      <h1 id="walk-in-title">{t('walkIn.title')}</h1>
      <p class="muted">{t('walkIn.intro')}</p>
      {restored && <Restored t={t} />}
      {error && (
        <p class="alert alert-bad" role="alert" data-walk-in-error={error.code || 'network'}>
          {errorText(t, error)}
        </p>
      )}
      <form class="walk-in-grid" onSubmit={start} noValidate>
        <fieldset class="card stack">
          <legend class="section-title">{t('walkIn.service')}</legend>
          <label class="field">
            <span>{t('walkIn.service')}</span>
            <select value={form.service_id} onChange={set('service_id')} required data-walk-in-service>
              {(services || []).map((s) => (
                <option key={s.code} value={s.code}>
                  {pick(lang, s, 'name')}
                </option>
              ))}
            </select>
          </label>
          <label class="field">
            <span>{t('walkIn.nik')}</span>
            <input inputMode="numeric" autoComplete="off" value={form.nik} onInput={set('nik')} required aria-invalid={errors.nik ? 'true' : undefined} aria-describedby={errors.nik ? 'walk-in-nik-error' : undefined} data-walk-in-nik />
          </label>
          {errors.nik && (
            <p id="walk-in-nik-error" class="field-error" data-field-error="nik">
              {errors.nik}
            </p>
          )}
          <label class="field">
            <span>{t('walkIn.birthDate')}</span>
            <input type="date" value={form.birth_date} onInput={set('birth_date')} required data-walk-in-birth-date />
          </label>
          <label class="field">
            <span>{t('walkIn.sex')}</span>
            <select value={form.sex} onChange={set('sex')} data-walk-in-sex>
              <option value="">{t('walkIn.sexUnknown')}</option>
              <option value="L">{t('walkIn.sexL')}</option>
              <option value="P">{t('walkIn.sexP')}</option>
            </select>
          </label>
          <label class="field">
            <span>{t('walkIn.fullName')}</span>
            <input autoComplete="off" value={form.full_name} onInput={set('full_name')} data-walk-in-name />
          </label>
        </fieldset>
        <fieldset class="card stack">
          <legend class="section-title">{t('walkIn.phoneTitle')}</legend>
          <label class="check">
            <input type="checkbox" checked={form.no_phone} onChange={set('no_phone')} data-walk-in-no-phone />
            <span>{t('walkIn.noPhone')}</span>
          </label>
          {form.no_phone ? (
            <label class="field">
              <span>{t('walkIn.note')}</span>
              <input value={form.note} onInput={set('note')} maxLength={500} data-walk-in-note />
            </label>
          ) : (
            <>
              <div class="row-actions walk-in-phone">
                <label class="field grow">
                  <span>{t('walkIn.phone')}</span>
                  <input type="tel" inputMode="tel" autoComplete="off" value={form.phone} onInput={set('phone')} data-walk-in-phone />
                </label>
                <button type="button" class="btn btn-secondary" disabled={busy || !form.phone} onClick={sendCode} data-action="send-code">
                  {sent ? t('walkIn.resend') : t('walkIn.sendCode')}
                </button>
              </div>
              {sent && (
                <p class="alert alert-ok" role="status" data-code-sent>
                  {t('walkIn.codeSent', { phone: sent.phone })}
                </p>
              )}
              <label class="field">
                <span>{t('walkIn.code')}</span>
                <input inputMode="numeric" autoComplete="one-time-code" maxLength={6} value={form.code} onInput={set('code')} aria-invalid={errors.code ? 'true' : undefined} data-walk-in-code />
              </label>
              {errors.code && (
                <p class="field-error" data-field-error="code">
                  {errors.code}
                </p>
              )}
            </>
          )}
          <button type="submit" class="btn btn-primary btn-big btn-wide" disabled={busy || !services} data-action="start">
            {t('walkIn.start')}
          </button>
          {Object.keys(startDraft(form)).length > 0 && (
            // The citizen left before the start: their details go from the tablet now.
            <button type="button" class="btn btn-quiet btn-small" disabled={busy} onClick={() => { setForm({ ...EMPTY_START, service_id: form.service_id }); setSent(null); setError(null); setRestored(false); }} data-action="clear-start">
              {t('walkIn.clearStart')}
            </button>
          )}
        </fieldset>
      </form>
      {open.length > 0 && (
        <section class="card stack walk-in-open" aria-labelledby="walk-in-open-title">
          <h2 id="walk-in-open-title" class="section-title">
            {t('walkIn.inProgress')}
          </h2>
          <ul class="walk-in-open-list">
            {open.map((item) => (
              <li key={item.id}>
                <a href={walkInHref({ id: item.id })} data-open-walk-in={item.id}>
                  {pick(lang, item.service, 'name')}
                </a>
                <span class="muted small">
                  {' · '}
                  {item.nik_masked || t('walkIn.noNik')}
                  {' · '}
                  {formatDateTime(lang, item.created_at)}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </section>
  );
}

const serverValues = (detail) => Object.fromEntries(detail.fields.map((f) => [f.key, f.value ?? '']));

function WalkInApplication({ t, lang, client, tokens, id, officerId, photos }) {
  const storage = getStorage();
  const [detail, setDetail] = useState(null);
  const [service, setService] = useState(null);
  const [values, setValues] = useState({});
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const [restored, setRestored] = useState(false);
  const [waiting, setWaiting] = useState(null); // photos kept on the tablet, by requirement

  useEffect(() => {
    client
      .getJson(`${BASE}/${encodeURIComponent(id)}`)
      .then(async (body) => {
        const draft = body.state === 'draft' ? readWalkInDraft(storage, officerId, id) : {};
        setRestored(Object.keys(draft).length > 0);
        setDetail(body);
        setValues({ ...serverValues(body), ...draft });
        setWaiting(body.state === 'draft' ? await waitingPhotos(photos, officerId, id) : {});
        setService(await client.getJson(`/api/services/${encodeURIComponent(body.service.code)}`));
      })
      .catch(setError);
  }, [client, id]);

  // Every change the server does not hold yet is kept as it is typed; once submitted, none.
  useEffect(() => {
    if (!detail) return;
    if (detail.state !== 'draft') {
      clearWalkInDraft(storage, officerId, id);
      forgetWalkInPhotos(photos, officerId, id);
    } else writeWalkInDraft(storage, officerId, id, unsavedValues(values, serverValues(detail)));
  }, [values, detail]);

  const uploader = useMemo(
    () =>
      tusUploader({
        getToken: () => tokens.get(),
        endpoint: `${BASE}/${encodeURIComponent(id)}/uploads`,
        urlStorage: memoryUrlStorage(),
      }),
    [tokens, id],
  );

  const post = async (path, body) => {
    setBusy(true);
    setError(null);
    try {
      const fresh = await client.request(`${BASE}/${encodeURIComponent(id)}/${path}`, { method: 'POST', body });
      setDetail(fresh);
      return fresh;
    } catch (err) {
      setError(err);
      return null;
    } finally {
      setBusy(false);
    }
  };

  const save = async (e) => {
    e?.preventDefault();
    const fields = {};
    for (const spec of service?.fields || []) {
      const value = values[spec.key];
      fields[spec.key] = value === '' || value === undefined ? null : spec.type === 'number' ? Number(value) : value;
    }
    const fresh = await post('fields', { fields });
    setSaved(Boolean(fresh));
    return fresh;
  };

  if (!detail || !service) {
    return error ? (
      <p class="alert alert-bad" role="alert">
        {errorText(t, error)}
      </p>
    ) : (
      <p class="muted">{t('loading')}</p>
    );
  }
  const draft = detail.state === 'draft';
  const errors = fieldErrors(error, lang);
  const missing = new Set([...(error?.details?.missing_fields || []), ...(error?.details?.missing_requirements || [])]);

  return (
    <section class="walk-in" aria-labelledby="walk-in-title" data-walk-in={detail.id} data-state={detail.state}>
      <h1 id="walk-in-title">
        {t('walkIn.applicationTitle')} · {pick(lang, detail.service, 'name')}
      </h1>
      <p class="row-actions">
        <StateTag t={t} state={detail.state} />
        <span class="flag" data-channel="walk_in">
          {t('walkIn.flag')}
        </span>
        <span class="muted small">
          {detail.walk_in.identified_by === 'code' ? t('walkIn.identifiedByCode', { phone: detail.walk_in.phone_masked }) : t('walkIn.identifiedNoPhone')}
          {detail.walk_in.note ? ` · ${detail.walk_in.note}` : ''}
        </span>
      </p>
      {restored && draft && <Restored t={t} />}
      {error && (
        <p class="alert alert-bad" role="alert" data-walk-in-error={error.code || 'network'}>
          {errorText(t, error)}
        </p>
      )}
      {!draft && (
        <div class="alert alert-ok" role="status" data-submitted={detail.reference}>
          <p>{t('walkIn.submitted', { reference: detail.reference })}</p>
          <p>
            <a class="btn btn-primary" href={`#/permohonan/${encodeURIComponent(detail.id)}`} data-action="open-review">
              {t('walkIn.openReview')}
            </a>
          </p>
        </div>
      )}
      <div class="walk-in-grid">
        <form class="card stack" onSubmit={save} noValidate aria-labelledby="walk-in-form-title">
          <h2 id="walk-in-form-title" class="section-title">
            {t('walkIn.form')}
          </h2>
          {service.fields.map((spec) => (
            <FormField key={spec.key} lang={lang} t={t} spec={spec} value={values[spec.key] ?? ''} disabled={!draft} error={errors[spec.key] || (missing.has(spec.key) ? t('walkIn.required') : null)} onChange={(value) => { setSaved(false); setValues({ ...values, [spec.key]: value }); }} />
          ))}
          {draft && (
            <div class="row-actions">
              <button type="submit" class="btn btn-secondary" disabled={busy} data-action="save-form">
                {t('walkIn.saveForm')}
              </button>
              {saved && (
                <span class="muted small" role="status" data-form-saved>
                  {t('walkIn.formSaved')}
                </span>
              )}
            </div>
          )}
        </form>
        <div class="card stack" aria-labelledby="walk-in-docs-title">
          <h2 id="walk-in-docs-title" class="section-title">
            {t('walkIn.documents')}
          </h2>
          <ul class="walk-in-docs">
            {detail.requirements.map((req) => (
              <DocumentRow
                key={req.code}
                t={t}
                lang={lang}
                req={req}
                draft={draft}
                missing={missing.has(req.code)}
                uploader={uploader}
                waiting={waiting?.[req.code] || null}
                keep={(photo) => keepPhoto(photos, { officerId, walkInId: id, requirement: req.code, ...photo })}
                forget={() => forgetPhoto(photos, officerId, id, req.code)}
                onAttach={(documentId) => post('attach', { requirement_code: req.code, document_id: documentId })}
              />
            ))}
          </ul>
          {draft && (
            <button
              type="button"
              class="btn btn-primary btn-big btn-wide"
              disabled={busy}
              data-action="submit"
              onClick={async () => {
                if (await save()) await post('submit', {});
              }}
            >
              {t('walkIn.submit')}
            </button>
          )}
        </div>
      </div>
    </section>
  );
}

function FormField({ lang, t, spec, value, disabled, error, onChange }) {
  const label = pick(lang, spec, 'label');
  const errorId = `walk-in-field-${spec.key}-error`;
  const common = {
    value,
    disabled,
    'aria-invalid': error ? 'true' : undefined,
    'aria-describedby': error ? errorId : undefined,
    'data-form-field': spec.key,
  };
  let input;
  if (spec.type === 'choice') {
    input = (
      <select {...common} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">{t('walkIn.choose')}</option>
        {(spec.validation?.choices || []).map((c) => (
          <option key={c.value} value={c.value}>
            {pick(lang, c, 'label')}
          </option>
        ))}
      </select>
    );
  } else if (spec.type === 'textarea' || spec.type === 'address') {
    input = <textarea rows={2} {...common} onInput={(e) => onChange(e.currentTarget.value)} />;
  } else {
    const type = { date: 'date', email: 'email', phone: 'tel', number: 'number' }[spec.type] || 'text';
    input = <input type={type} inputMode={spec.type === 'nik' ? 'numeric' : undefined} autoComplete="off" {...common} onInput={(e) => onChange(e.currentTarget.value)} />;
  }
  return (
    <div>
      <label class="field">
        <span>
          {label}
          {spec.required ? ' *' : ''}
        </span>
        {input}
      </label>
      {error && (
        <p id={errorId} class="field-error" data-field-error={spec.key}>
          {error}
        </p>
      )}
    </div>
  );
}

function DocumentRow({ t, lang, req, draft, missing, uploader, waiting, keep, forget, onAttach }) {
  const [state, setState] = useState(null); // {step, warning, problem, preview, progress}
  const [pending, setPending] = useState(null); // a photo kept back by the quality check
  const [kept, setKept] = useState(null); // a compressed photo on the tablet, not yet attached

  // The compressed photo goes to the tablet's IndexedDB before its upload starts; once it is
  // attached it is forgotten. One kept from before a reload or a dropped connection is sent
  // again now (the same document id: the server returns the same upload and resumes it).
  const deliver = async (photo) => {
    const { documentId, blob, sha256 } = photo;
    setKept(photo);
    setState((s) => ({ ...s, step: 'uploading', preview: s?.preview || URL.createObjectURL(blob), progress: 0, size: blob.size }));
    try {
      await uploader.upload({
        documentId,
        file: blob,
        filename: `${req.code}.${blob.type === 'image/webp' ? 'webp' : 'jpg'}`,
        contentType: blob.type,
        sha256,
        url: null,
        onUrl: () => {},
        onProgress: (sent, total) => setState((s) => ({ ...s, progress: total ? Math.round((sent / total) * 100) : 0 })),
      });
      const fresh = await onAttach(documentId);
      if (fresh) {
        await forget();
        setKept(null);
      }
      setState((s) => ({ ...s, step: fresh ? 'done' : 'kept' }));
    } catch (err) {
      if (err?.permanent) {
        // The server refuses this photo for good (too large, invalid): keeping it cannot help.
        await forget();
        setKept(null);
        setState((s) => ({ ...s, step: 'failed', problem: t('walkIn.step.failed') }));
      } else setState((s) => ({ ...s, step: 'kept' }));
    }
  };

  useEffect(() => {
    if (!waiting || !draft) return;
    if (req.document?.id === waiting.documentId) forget(); // attached before the reload
    else deliver(waiting);
  }, []);

  const send = async (file, { keep: keepAnyway = false } = {}) => {
    let bitmap = null;
    let photo;
    try {
      // The PWA's capture: a photo the officer cannot read later is said now (the quality
      // check), then the same compressor and the same tus upload as the citizen's phone.
      setState({ step: 'checking' });
      bitmap = await decodePhoto(file);
      if (bitmap && !keepAnyway) {
        const { codes } = checkBitmap(bitmap, limitsFor(req.document_type));
        if (codes.length) {
          setPending(file);
          setState({ step: 'warning', codes });
          return;
        }
      }
      setPending(null);
      setState({ step: 'compressing' });
      const { blob } = await compressPhoto(file, { decoded: bitmap });
      const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
      const sha256 = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
      photo = { documentId: crypto.randomUUID(), blob, sha256 };
      setState({ step: 'uploading', preview: URL.createObjectURL(blob), progress: 0, size: blob.size });
    } catch (err) {
      setState({ step: 'failed', problem: err instanceof CaptureError ? t(`walkIn.capture.${err.code}`) : err.message });
      return;
    } finally {
      bitmap?.close?.();
    }
    await keep(photo);
    await deliver(photo);
  };

  const doc = req.document;
  const inputId = `walk-in-photo-${req.code}`;
  return (
    <li class={`walk-in-doc${missing ? ' walk-in-doc-missing' : ''}`} data-requirement={req.code} data-document-status={doc?.status || 'none'}>
      <div class="walk-in-doc-head">
        <strong>{pick(lang, req, 'title')}</strong>
        {req.required && <span class="muted small"> · {t('walkIn.requiredDoc')}</span>}
      </div>
      {state?.preview && <img class="walk-in-thumb" src={state.preview} alt={t('walkIn.photoOf', { title: pick(lang, req, 'title') })} />}
      <p class="small muted" role="status">
        {doc ? t('walkIn.attached', { kb: Math.round(doc.size / 1024) }) : state?.step === 'uploading' ? t('walkIn.uploading', { n: state.progress }) : state?.step ? t(`walkIn.step.${state.step}`) : t('walkIn.noPhoto')}
      </p>
      {state?.step === 'kept' && kept && draft && (
        <div class="alert alert-warn" role="alert" data-photo-kept={req.code}>
          <p>{t('walkIn.photoKept')}</p>
          <button type="button" class="btn btn-small btn-secondary" onClick={() => deliver(kept)} data-action="send-kept-photo">
            {t('walkIn.sendAgain')}
          </button>
        </div>
      )}
      {state?.step === 'warning' && (
        <div class="alert alert-warn" role="alert">
          <p>{state.codes.map((code) => t(`walkIn.quality.${code}`)).join(' ')}</p>
          <button type="button" class="btn btn-small btn-quiet" onClick={() => send(pending, { keep: true })} data-action="keep-photo">
            {t('walkIn.keepPhoto')}
          </button>
        </div>
      )}
      {state?.problem && (
        <p class="field-error" role="alert">
          {state.problem}
        </p>
      )}
      {draft && (
        <>
          <label class="btn btn-secondary btn-small walk-in-camera" for={inputId}>
            {doc ? t('walkIn.retake') : t('walkIn.takePhoto')}
          </label>
          <input
            id={inputId}
            class="sr-only"
            type="file"
            accept="image/*"
            capture="environment"
            data-photo-input={req.code}
            onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              e.currentTarget.value = '';
              if (file) send(file);
            }}
          />
        </>
      )}
    </li>
  );
}

/** tus-js-client's URL storage for one screen: a counter tablet keeps no upload between
 * visits (the officer retakes the photo), so nothing is written to the device. */
function memoryUrlStorage() {
  const uploads = new Map();
  return {
    findAllUploads: async () => [...uploads.values()],
    findUploadsByFingerprint: async (fingerprint) => [...uploads.values()].filter((u) => u.fingerprint === fingerprint),
    removeUpload: async (key) => uploads.delete(key),
    addUpload: async (fingerprint, upload) => {
      const key = `${fingerprint}::${uploads.size}`;
      uploads.set(key, { ...upload, fingerprint, urlStorageKey: key });
      return key;
    },
  };
}
