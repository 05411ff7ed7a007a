// Complaints (pengaduan, SP4N-LAPOR!) on the phone: file one about an application (what it
// is about is prefilled: the service, the agency, the officer's decision and reason) or about
// the MPP in general, with the two privacy choices; see the answers; confirm one, or reopen
// it once. Filed offline like everything else: `complaint.file` waits in the outbox and goes
// exactly once (server: server/complaints/mutations.py); the complaint and its answers come
// back in the synced space as `complaint/<id>`.

import { useEffect, useState } from 'preact/hooks';
import { useApp } from '../app-context.js';
import { formatDate, formatDateTime, pick } from '../format.js';
import { hrefFor } from '../router.js';
import { CHOSEN_MPP_KEY, getStorage, readItem } from '../storage.js';
import { useServices } from '../use-sync.js';
import { BackLink } from './application-parts.jsx';
import { FilePick } from './application-document.jsx';
import { MAX_PHOTOS, photoProblem, preparePhoto } from './complaint-photos.js';
import { SyncStatus } from './sync-status.jsx';
import './complaints.css';

export const CATEGORIES = ['pengaduan', 'aspirasi', 'informasi'];
export const MAX_TEXT = 4000;
const ANSWERABLE = ['submitted', 'in_review', 'revision_requested', 'approved', 'ready', 'completed', 'rejected', 'withdrawn'];

/** The citizen's complaints: the synced ones, and those still in the outbox (queued). */
export function myComplaints(view) {
  const synced = Object.values(view.domains?.complaint || {});
  const known = new Set(synced.map((c) => c.id));
  const queued = view.queue
    .filter((q) => q.name === 'complaint.file' && !known.has(q.args.complaint_id))
    .map((q) => ({ id: q.args.complaint_id, status: 'queued', category: q.args.category, text: q.args.text, application_id: q.args.application_id || null, anonymous: q.args.anonymous, confidential: q.args.confidential, answers: [] }));
  return [...queued, ...synced.sort((a, b) => String(b.filed_at).localeCompare(String(a.filed_at)))];
}

/** The refusal of this complaint's filing or step: one naming it, else (for a filing that
 * never became a complaint) the latest refused filing. */
function rejectionOf(view, complaintId, found) {
  const mine = view.rejections.find((r) => r.name?.startsWith('complaint.') && r.details?.complaint_id === complaintId);
  if (mine || found) return mine || null;
  return view.rejections.find((r) => r.name === 'complaint.file') || null;
}

function Status({ t, status }) {
  return (
    <span class={`complaint-badge complaint-${status}`} data-complaint-status={status}>
      {t(`complaint.status.${status}`)}
    </span>
  );
}

/** #/pengaduan: my complaints, and the way to file one about the MPP. */
export function Complaints() {
  const { t, lang, sync } = useApp();
  const list = myComplaints(sync.view);
  return (
    <section class="view complaints" aria-labelledby="complaints-title">
      <BackLink to={{ name: 'applications' }} label="apps.back" />
      <h1 id="complaints-title">{t('complaint.mine')}</h1>
      <p>{t('complaint.intro')}</p>
      <p class="actions">
        <a class="button button-secondary" href="#/pengaduan/baru" data-action="complain-mpp">
          {t('complaint.aboutMpp')}
        </a>
      </p>
      {list.length === 0 ? (
        <p class="empty">{t('complaint.none')}</p>
      ) : (
        <ul class="complaint-list">
          {list.map((c) => (
            <li key={c.id}>
              <a class="complaint-card" href={hrefFor({ name: 'complaint', id: c.id })} data-complaint={c.id}>
                <span class="complaint-card-head">
                  <strong>{c.reference || t('complaint.noReference')}</strong>
                  <Status t={t} status={c.status} />
                </span>
                <span class="complaint-card-text">{c.text}</span>
                {c.filed_at && <span class="muted small">{formatDateTime(lang, c.filed_at)}</span>}
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** What the complaint is about, as the officer decided it (prefilled, read-only). */
function About({ t, lang, app, service, states }) {
  const rejected = Object.values(app.requirements || {}).filter((r) => r.review_status === 'rejected');
  return (
    <div class="complaint-about" data-complaint-about>
      <h2>{t('complaint.aboutTitle')}</h2>
      <dl>
        <dt>{t('complaint.service')}</dt>
        <dd>
          {service ? pick(lang, service, 'name') : app.service_id}
          {app.reference ? ` · ${app.reference}` : ''}
        </dd>
        <dt>{t('complaint.decision')}</dt>
        <dd>{states.label(app.state)}</dd>
        {app.officer_note && (
          <>
            <dt>{t('complaint.reason')}</dt>
            <dd>{app.officer_note}</dd>
          </>
        )}
        {app.submitted_at && (
          <>
            <dt>{t('complaint.submitted')}</dt>
            <dd>{formatDate(lang, app.submitted_at)}</dd>
          </>
        )}
      </dl>
      {rejected.length > 0 && (
        <ul class="complaint-rejected">
          {rejected.map((r) => (
            <li key={r.code} data-rejected={r.code}>
              <strong>{r.code.toUpperCase()}</strong>: {r.officer_note || t('complaint.noNote')}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** One chosen photo on the form, with its remove button. */
function PhotoThumb({ blob, n, t, onRemove }) {
  const [url, setUrl] = useState(null);
  useEffect(() => {
    const made = URL.createObjectURL(blob);
    setUrl(made);
    return () => URL.revokeObjectURL(made);
  }, [blob]);
  return (
    <li class="complaint-photo-item">
      {url && <img src={url} alt={t('complaint.photoAlt', { n })} class="complaint-photo-thumb" />}
      <button type="button" class="button button-secondary" onClick={onRemove} data-action="remove-photo">
        {t('complaint.removePhoto', { n })}
      </button>
    </li>
  );
}

/** #/pengaduan/baru[/<application id>]: the form. */
export function ComplaintForm({ applicationId }) {
  const { t, lang, sync, engine, navigate, states } = useApp();
  const app = applicationId ? sync.view.applications[applicationId] : null;
  const services = useServices(app ? [app.service_id] : []);
  const service = app ? services[app.service_id] : null;
  const mpp = app ? String(app.service_id).split('.')[0] : readItem(getStorage(), CHOSEN_MPP_KEY);
  const [category, setCategory] = useState('pengaduan');
  const [text, setText] = useState('');
  const [anonymous, setAnonymous] = useState(false);
  const [confidential, setConfidential] = useState(false);
  const [problem, setProblem] = useState(null);
  const [sending, setSending] = useState(false);
  const [photos, setPhotos] = useState([]); // compressed Blobs, stored with the complaint on send
  const [photoError, setPhotoError] = useState(null);
  const [busy, setBusy] = useState(false);

  const back = <BackLink to={app ? { name: 'application', id: app.id } : { name: 'complaints' }} label={app ? 'app.backToTasks' : 'complaint.back'} />;
  if (applicationId && (!app || !ANSWERABLE.includes(app.state))) {
    return (
      <section class="view complaint-form">
        {back}
        <h1>{t('complaint.new')}</h1>
        <p class="empty">{t(app ? 'complaint.notYet' : 'app.notFound')}</p>
      </section>
    );
  }
  if (!app && !mpp) {
    return (
      <section class="view complaint-form">
        {back}
        <h1>{t('complaint.new')}</h1>
        <p class="empty">{t('complaint.chooseMpp')}</p>
        <p class="actions">
          <a class="button" href="#/">
            {t('complaint.pickMpp')}
          </a>
        </p>
      </section>
    );
  }
  const addPhotos = async (files) => {
    setPhotoError(null);
    setBusy(true);
    try {
      let kept = photos;
      for (const file of files) {
        const problem = photoProblem(kept, file);
        if (problem) {
          setPhotoError(problem);
          break;
        }
        kept = [...kept, await preparePhoto(file)];
      }
      setPhotos(kept);
    } catch (err) {
      setPhotoError(err.code === 'too_large' ? 'capture.too_large' : err.code === 'unreadable_image' ? 'capture.unreadable_image' : 'complaint.photoNotImage');
    } finally {
      setBusy(false);
    }
  };
  const submit = async (event) => {
    event.preventDefault();
    const trimmed = text.trim();
    if (!trimmed) return setProblem('complaint.empty');
    if (trimmed.length > MAX_TEXT) return setProblem('complaint.tooLong');
    setSending(true);
    try {
      const id = globalThis.crypto.randomUUID();
      const args = { complaint_id: id, category, text: trimmed, anonymous, confidential };
      if (app) args.application_id = app.id;
      else args.mpp = mpp;
      await engine.mutateWithPhotos('complaint.file', args, photos);
      navigate({ name: 'complaint', id });
    } finally {
      setSending(false);
    }
  };
  return (
    <section class="view complaint-form" aria-labelledby="complaint-form-title">
      {back}
      <h1 id="complaint-form-title">{t(app ? 'complaint.newAbout' : 'complaint.newMpp')}</h1>
      {app && <About t={t} lang={lang} app={app} service={service} states={states} />}
      <form onSubmit={submit} noValidate data-complaint-form>
        <fieldset class="field">
          <legend class="field-label">{t('complaint.category')}</legend>
          {CATEGORIES.map((c) => (
            <label class="choice" key={c}>
              <input type="radio" name="complaint-category" value={c} checked={category === c} onChange={() => setCategory(c)} data-category={c} />
              <span>
                <strong>{t(`complaint.category.${c}`)}</strong>
                <span class="field-hint">{t(`complaint.categoryHint.${c}`)}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <div class="field">
          <label class="field-label" for="complaint-text">
            {t('complaint.text')}
          </label>
          <p class="field-hint" id="complaint-text-hint">
            {t('complaint.textHint', { n: MAX_TEXT })}
          </p>
          <textarea
            id="complaint-text"
            class="input"
            rows={6}
            maxLength={MAX_TEXT}
            aria-describedby="complaint-text-hint"
            aria-invalid={problem ? 'true' : undefined}
            value={text}
            onInput={(e) => {
              setText(e.currentTarget.value);
              setProblem(null);
            }}
          />
          <p class="field-hint complaint-count" aria-live="polite">
            {t('complaint.count', { n: text.trim().length, max: MAX_TEXT })}
          </p>
          {problem && (
            <p class="field-error" role="alert">
              {t(problem, { n: MAX_TEXT })}
            </p>
          )}
        </div>
        <fieldset class="field">
          <legend class="field-label">{t('complaint.privacy')}</legend>
          <label class="choice">
            <input type="checkbox" checked={anonymous} onChange={(e) => setAnonymous(e.currentTarget.checked)} data-privacy="anonymous" />
            <span>
              <strong>{t('complaint.anonymous')}</strong>
              <span class="field-hint">{t(app ? 'complaint.anonymousHintApp' : 'complaint.anonymousHint')}</span>
            </span>
          </label>
          <label class="choice">
            <input type="checkbox" checked={confidential} onChange={(e) => setConfidential(e.currentTarget.checked)} data-privacy="confidential" />
            <span>
              <strong>{t('complaint.confidential')}</strong>
              <span class="field-hint">{t('complaint.confidentialHint')}</span>
            </span>
          </label>
        </fieldset>
        <fieldset class="field" data-complaint-photos>
          <legend class="field-label">{t('complaint.photos')}</legend>
          <p class="field-hint">{t('complaint.photosHint', { n: MAX_PHOTOS })}</p>
          {photos.length > 0 && (
            <ul class="complaint-photo-list">
              {photos.map((blob, i) => (
                <PhotoThumb key={i} blob={blob} n={i + 1} t={t} onRemove={() => setPhotos(photos.filter((_, j) => j !== i))} />
              ))}
            </ul>
          )}
          {photos.length < MAX_PHOTOS && (
            <div class="actions">
              <FilePick label={t('complaint.addPhoto')} accept="image/*" multiple disabled={busy || sending} onFiles={addPhotos} name="complaint-photo" secondary />
            </div>
          )}
          {busy && <p class="loading-text">{t('doc.processing')}</p>}
          {photoError && (
            <p class="field-error" role="alert">
              {t(photoError, { n: MAX_PHOTOS })}
            </p>
          )}
        </fieldset>
        <button type="submit" class="button button-wide" disabled={sending || busy} data-action="send-complaint">
          {t('complaint.send')}
        </button>
      </form>
    </section>
  );
}

/** #/pengaduan/<id>: status, deadlines, answers; confirm, or reopen once. */
export function ComplaintDetail({ id }) {
  const { t, lang, sync, engine, onSyncNow } = useApp();
  const view = sync.view;
  const complaint = myComplaints(view).find((c) => c.id === id);
  const [reason, setReason] = useState('');
  const [reopening, setReopening] = useState(false);
  const rejection = rejectionOf(view, id, Boolean(complaint));
  const pending = view.queue.filter((q) => q.name.startsWith('complaint.') && q.args.complaint_id === id && q.name !== 'complaint.file');
  const back = <BackLink to={{ name: 'complaints' }} label="complaint.back" />;
  if (!complaint) {
    return (
      <section class="view complaint-detail">
        {back}
        <h1>{t('complaint.title')}</h1>
        {rejection ? (
          <p class="field-error" role="alert" data-complaint-rejected>
            {lang === 'en' ? rejection.message_en : rejection.message}
          </p>
        ) : (
          <p class="empty">{t('complaint.notFound')}</p>
        )}
      </section>
    );
  }
  const step = (name, args = {}) => engine.mutate(name, { complaint_id: id, ...args });
  return (
    <section class="view complaint-detail" aria-labelledby="complaint-title">
      {back}
      <h1 id="complaint-title">{complaint.reference || t('complaint.title')}</h1>
      <p class="complaint-head">
        <Status t={t} status={complaint.status} />
        {complaint.anonymous && <span class="complaint-flag">{t('complaint.anonymous')}</span>}
        {complaint.confidential && <span class="complaint-flag">{t('complaint.confidential')}</span>}
        {complaint.escalated && <span class="complaint-flag complaint-flag-escalated">{t('complaint.escalated')}</span>}
      </p>
      {complaint.status === 'queued' && (
        <p class="complaint-note" role="status" data-complaint-queued>
          {t('complaint.queued')}
        </p>
      )}
      {rejection && (
        <p class="field-error" role="alert">
          {lang === 'en' ? rejection.message_en : rejection.message}
        </p>
      )}
      {complaint.answer_due_on && ['received', 'acknowledged', 'reopened'].includes(complaint.status) && (
        <p class="complaint-note">{t(complaint.status === 'received' ? 'complaint.dueAck' : 'complaint.dueAnswer', { ack: formatDate(lang, complaint.ack_due_on), answer: formatDate(lang, complaint.answer_due_on) })}</p>
      )}
      <div class="complaint-block">
        <h2>{t(`complaint.category.${complaint.category}`)}</h2>
        <p class="complaint-text">{complaint.text}</p>
        {complaint.about?.service && (
          <p class="muted small">
            {pick(lang, complaint.about.service, 'name')}
            {complaint.about.agency ? ` · ${complaint.about.agency}` : ''}
          </p>
        )}
        {complaint.reopen_reason && (
          <p class="complaint-note">
            {t('complaint.youReopened')} {complaint.reopen_reason}
          </p>
        )}
      </div>
      <div class="complaint-block" data-complaint-answers>
        <h2>{t('complaint.answers')}</h2>
        {complaint.answers.length === 0 ? (
          <p class="muted">{t('complaint.noAnswer')}</p>
        ) : (
          complaint.answers.map((a, i) => (
            <div class="complaint-answer" key={i} data-answer={i}>
              <p>{a.text}</p>
              <p class="muted small">{formatDateTime(lang, a.at)}</p>
            </div>
          ))
        )}
      </div>
      {pending.length > 0 && (
        <p class="complaint-note" role="status">
          {t('complaint.stepQueued')}
        </p>
      )}
      {pending.length === 0 && complaint.may_confirm && (
        <div class="complaint-block">
          <h2>{t('complaint.satisfied')}</h2>
          <p class="actions">
            <button type="button" class="button" onClick={() => step('complaint.confirm')} data-action="confirm-complaint">
              {t('complaint.confirm')}
            </button>
            {complaint.may_reopen && !reopening && (
              <button type="button" class="button button-secondary" onClick={() => setReopening(true)} data-action="reopen-complaint">
                {t('complaint.reopen')}
              </button>
            )}
          </p>
          {complaint.may_reopen && reopening && (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                if (reason.trim()) step('complaint.reopen', { reason: reason.trim() });
              }}
            >
              <div class="field">
                <label class="field-label" for="complaint-reopen">
                  {t('complaint.reopenWhy')}
                </label>
                <p class="field-hint">{t('complaint.reopenOnce')}</p>
                <textarea id="complaint-reopen" class="input" rows={4} maxLength={MAX_TEXT} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
              </div>
              <button type="submit" class="button button-wide" disabled={!reason.trim()} data-action="send-reopen">
                {t('complaint.reopenSend')}
              </button>
            </form>
          )}
        </div>
      )}
      <SyncStatus t={t} status={sync.status} onSyncNow={onSyncNow} />
    </section>
  );
}

/** The link on an application's screen: complain about this application. */
export function ComplainLink({ app }) {
  const { t } = useApp();
  if (!app || !ANSWERABLE.includes(app.state)) return null;
  return (
    <p class="complaint-link">
      <a href={hrefFor({ name: 'complaint-new', application: app.id })} data-action="complain">
        {t('complaint.aboutThis')}
      </a>
    </p>
  );
}
