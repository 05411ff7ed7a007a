import { useEffect, useRef, useState } from 'preact/hooks';
import { taskList, todayWib, walletMatches } from '../application-tasks.js';
import { CaptureError, compressPhoto } from '../capture/compress.js';
import { formatDate, formatDateTime, pick } from '../format.js';
import { enablePush, pushEnabled, pushPermission } from '../push.js';
import { hrefFor } from '../router.js';
import { useServices } from '../use-sync.js';
import { notificationText } from './applications.jsx';
import { Loading } from './common.jsx';
import { StateBadge } from './state-badge.jsx';
import { SyncStatus } from './sync-status.jsx';

/**
 * #/permohonan/<id>[/data | /dokumen/<code> | /kirim]: one application. The overview is a
 * task list (the data, each document, check and submit); each task is its own screen.
 * Every edit goes to the engine, which stores it on the phone before it resolves, and
 * sends it when it can.
 */
export function ApplicationView({ t, lang, route, sync, engine, states, navigate, onSyncNow, api }) {
  const app = sync.view.applications[route.id];
  const services = useServices(app ? [app.service_id] : []);
  const service = app ? services[app.service_id] : null;
  if (!app) {
    return (
      <section class="view">
        <BackLink t={t} to={{ name: 'applications' }} label="apps.back" />
        <p class="empty">{t('app.notFound')}</p>
      </section>
    );
  }
  if (!service) {
    return (
      <section class="view">
        <BackLink t={t} to={{ name: 'applications' }} label="apps.back" />
        <Loading t={t} rows={3} />
      </section>
    );
  }
  const props = { t, lang, app, service, sync, engine, states, navigate, onSyncNow, api };
  if (route.step === 'data') return <FormStep {...props} />;
  if (route.step === 'document') {
    const requirement = service.requirements.find((r) => r.code === route.requirement);
    if (!requirement) return <Overview {...props} />;
    return <DocumentStep key={requirement.code} {...props} requirement={requirement} />;
  }
  if (route.step === 'submit') return <SubmitStep {...props} />;
  return <Overview {...props} />;
}

/** Back to the task list: what was done is already stored on the phone. */
function DoneButton({ t, app }) {
  return (
    <div class="actions">
      <a class="button button-wide" href={hrefFor({ name: 'application', id: app.id })} data-action="done">
        {t('app.done')}
      </a>
    </div>
  );
}

function BackLink({ t, to, label }) {
  return (
    <p class="back">
      <a href={hrefFor(to)} class="back-link">
        <span aria-hidden="true">←</span>
        {t(label)}
      </a>
    </p>
  );
}

const TASK_TAG = {
  complete: 'ok',
  accepted: 'ok',
  sent: 'info',
  resubmitted: 'info',
  queued: 'pending',
  in_progress: 'pending',
  not_started: 'todo',
  missing: 'todo',
  failed: 'bad',
  invalid: 'bad',
  rejected: 'bad',
};

function TaskTag({ t, state }) {
  return (
    <span class={`task-tag task-${TASK_TAG[state] || 'todo'}`} data-task-state={state}>
      {t(`task.${state}`)}
    </span>
  );
}

function Header({ t, lang, app, service, states }) {
  return (
    <>
      <h1 id="application-title">{pick(lang, service, 'name')}</h1>
      <p class="place">
        {app.reference || t('apps.noReference')} · <StateBadge t={t} states={states} app={app} />
      </p>
    </>
  );
}

function Rejections({ t, lang, sync, engine, app }) {
  const mine = sync.view.rejections.filter((r) => r.application_id === app.id);
  if (mine.length === 0) return null;
  return (
    <div class="error" role="alert">
      {mine.map((r) => (
        <div key={r.key} class="rejection" data-rejection={r.code}>
          <p class="error-text">{lang === 'en' ? r.message_en || r.message : r.message || r.message_en}</p>
          <button type="button" class="button button-small button-secondary" onClick={() => engine.dismissRejection(r.key)}>
            {t('app.dismiss')}
          </button>
        </div>
      ))}
    </div>
  );
}

function Overview({ t, lang, app, service, sync, engine, states, navigate, onSyncNow, api }) {
  const tasks = taskList(service, app, sync.view.documents);
  const notes = tasks.requirements.filter((r) => r.state === 'rejected');
  const timeline = (sync.view.notifications || []).filter((n) => n.application_id === app.id);
  const [confirming, setConfirming] = useState(null);
  const isDraft = app.state === 'draft' && !app.reference;
  const withdrawable = ['submitted', 'in_review', 'revision_requested'].includes(app.state) && !app.pending?.withdraw;

  const discard = async () => {
    await engine.discardApplication(app.id);
    navigate({ name: 'applications' });
  };
  const withdraw = async () => {
    await engine.withdraw(app.id);
    setConfirming(null);
  };

  return (
    <section class="view" aria-labelledby="application-title" data-application-view={app.id}>
      <BackLink t={t} to={{ name: 'applications' }} label="apps.back" />
      <Header t={t} lang={lang} app={app} service={service} states={states} />
      <SyncStatus t={t} status={sync.status} onSyncNow={onSyncNow} />
      <Rejections t={t} lang={lang} sync={sync} engine={engine} app={app} />

      {app.state === 'revision_requested' && (
        <div class="callout callout-warn" role="alert" data-revision>
          <h2 class="callout-title">{t('app.revisionTitle')}</h2>
          {app.officer_note && <p>{app.officer_note}</p>}
          <ul>
            {notes.map((r) => (
              <li key={r.code}>
                <strong>{pick(lang, r.spec, 'title')}</strong>: {r.note}{' '}
                <a href={hrefFor({ name: 'application', id: app.id, step: 'document', requirement: r.code })} data-fix={r.code}>
                  {t('app.fix')}
                </a>
              </li>
            ))}
          </ul>
        </div>
      )}
      {app.state === 'rejected' && app.officer_note && (
        <div class="callout callout-bad" role="alert">
          <h2 class="callout-title">{t('app.rejectedTitle')}</h2>
          <p>{app.officer_note}</p>
        </div>
      )}
      {(app.state === 'ready' || app.state === 'completed') && <Pickup t={t} lang={lang} app={app} />}
      {(app.state !== 'draft' || app.pending?.submit) && api && <PushOffer t={t} lang={lang} api={api} />}

      {(app.discrepancies || []).length > 0 && (
        <div class="callout" data-discrepancies>
          <h2 class="callout-title">{t('app.discrepancyTitle')}</h2>
          <p>{t('app.discrepancyIntro')}</p>
          <ul>
            {app.discrepancies.map((d) => (
              <li key={d.field}>
                <strong>{fieldLabel(lang, service, d.field)}</strong>: {t('app.discrepancyLine', { draft: String(d.draft_value), record: String(d.record_value) })}
              </li>
            ))}
          </ul>
        </div>
      )}

      <h2>{t('app.tasks')}</h2>
      <ol class="tasks">
        <li class="task">
          <a href={hrefFor({ name: 'application', id: app.id, step: 'data' })} data-task="data">
            {t('app.taskData')}
          </a>
          <TaskTag t={t} state={tasks.data} />
        </li>
        {tasks.requirements.map((r) => (
          <li class="task" key={r.code}>
            <a href={hrefFor({ name: 'application', id: app.id, step: 'document', requirement: r.code })} data-task={`doc-${r.code}`}>
              {pick(lang, r.spec, 'title')}
              {!r.required && <span class="task-optional"> ({t('service.optional')})</span>}
            </a>
            <TaskTag t={t} state={r.state} />
          </li>
        ))}
        <li class="task">
          {tasks.editable ? (
            <a href={hrefFor({ name: 'application', id: app.id, step: 'submit' })} data-task="submit">
              {t(app.state === 'revision_requested' ? 'app.taskResubmit' : 'app.taskSubmit')}
            </a>
          ) : (
            <span>{t('app.taskSubmit')}</span>
          )}
          <TaskTag t={t} state={tasks.submitQueued ? 'queued' : tasks.editable ? (tasks.canSubmit ? 'not_started' : 'missing') : 'sent'} />
        </li>
      </ol>

      <h2>{t('app.timeline')}</h2>
      <ol class="timeline">
        {app.created_at && <li>{t('app.createdAt', { when: formatDateTime(lang, app.created_at) })}</li>}
        {app.submitted_at && <li>{t('app.submittedAt', { when: formatDateTime(lang, app.submitted_at) })}</li>}
        {[...timeline].reverse().map((n) => (
          <li key={n.id}>
            {formatDateTime(lang, n.created_at)}: {notificationText(t, states, n)}
          </li>
        ))}
        {!app.created_at && <li>{t('app.onlyOnPhone')}</li>}
      </ol>

      {(isDraft || withdrawable) && (
        <div class="danger-zone">
          {confirming ? (
            <>
              <p class="danger-text">{t(isDraft ? 'app.discardConfirm' : 'app.withdrawConfirm')}</p>
              <div class="actions">
                <button type="button" class="button button-danger-outline" data-action="confirm" onClick={isDraft ? discard : withdraw}>
                  {t(isDraft ? 'app.discard' : 'app.withdraw')}
                </button>
                <button type="button" class="button button-secondary" onClick={() => setConfirming(null)}>
                  {t('cancel')}
                </button>
              </div>
            </>
          ) : (
            <button type="button" class="button button-danger-outline" onClick={() => setConfirming(true)}>
              {t(isDraft ? 'app.discard' : 'app.withdraw')}
            </button>
          )}
        </div>
      )}
    </section>
  );
}

/**
 * After the first submit (the moment it makes sense), offer notifications by a button; the
 * browser's permission prompt only ever follows the citizen's tap.
 */
function PushOffer({ t, lang, api }) {
  // 'granted' without a subscription of ours (granted earlier, or by the browser's
  // settings) still needs one made and registered: offer it too.
  const [state, setState] = useState(() => (pushEnabled() ? 'enabled' : pushPermission()));
  const [busy, setBusy] = useState(false);
  if (!['default', 'granted', 'failed'].includes(state)) return null;
  const enable = async () => {
    setBusy(true);
    try {
      await enablePush(api, lang);
      setState('enabled');
    } catch (err) {
      setState(err && err.message === 'denied' ? 'denied' : 'failed');
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="callout" data-push-offer>
      <p>{t('push.offer')}</p>
      {state === 'failed' && <p class="field-error">{t('push.failed')}</p>}
      <button type="button" class="button" disabled={busy} data-action="enable-push" onClick={enable}>
        {t('push.enable')}
      </button>
    </div>
  );
}

function Pickup({ t, lang, app }) {
  const pickup = app.pickup || {};
  const ticket = app.ticket;
  return (
    <div class="callout callout-ok" data-pickup>
      <h2 class="callout-title">{t(app.state === 'completed' ? 'app.completedTitle' : 'app.readyTitle')}</h2>
      {app.state === 'ready' && (
        <dl class="facts">
          {pickup.counter && (
            <div>
              <dt>{t('app.counter')}</dt>
              <dd>{pickup.counter}</dd>
            </div>
          )}
          {pickup.hours && (
            <div>
              <dt>{t('mpp.hours')}</dt>
              <dd>{pickup.hours}</dd>
            </div>
          )}
          {pickup.visit_date && (
            <div>
              <dt>{t('app.visitDate')}</dt>
              <dd>{formatDate(lang, pickup.visit_date)}</dd>
            </div>
          )}
          {Array.isArray(pickup.bring) && pickup.bring.length > 0 && (
            <div>
              <dt>{t('app.bring')}</dt>
              <dd>
                <ul class="bring-list">
                  {pickup.bring.map((item, i) => (
                    <li key={i}>{item}</li>
                  ))}
                </ul>
              </dd>
            </div>
          )}
        </dl>
      )}
      {app.state === 'ready' && ticket && ticket.qr_svg && (
        <figure class="ticket" data-ticket>
          <img src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(ticket.qr_svg)}`} alt={t('app.ticketAlt')} width="240" height="240" />
          <figcaption>
            {t('app.ticketCode')} <code class="ticket-code">{ticket.code}</code>
          </figcaption>
        </figure>
      )}
    </div>
  );
}

function fieldLabel(lang, service, key) {
  const field = (service.fields || []).find((f) => f.key === key);
  return field ? pick(lang, field, 'label') : key;
}

// ---------------------------------------------------------------------------------------
// The form

const INPUT_TYPES = { date: 'date', email: 'email', number: 'number', phone: 'tel', nik: 'text' };

function FormStep({ t, lang, app, service, sync, engine, onSyncNow }) {
  const editable = taskList(service, app, sync.view.documents).editable;
  const [saved, setSaved] = useState(null);
  const timers = useRef({});
  const pendingValues = useRef({});
  const invalid = invalidFields(sync.view.rejections, app.id);
  const discrepancies = new Map((app.discrepancies || []).map((d) => [d.field, d]));

  const save = async (key, value) => {
    clearTimeout(timers.current[key]);
    delete pendingValues.current[key];
    await engine.setFields(app.id, { [key]: value === '' ? null : value });
    setSaved(Date.now());
  };
  // Autosave: every input is stored after a short pause, and at once when the field is left.
  const onInput = (key, value) => {
    pendingValues.current[key] = value;
    clearTimeout(timers.current[key]);
    timers.current[key] = setTimeout(() => save(key, value), 400);
  };
  const flush = (key) => {
    if (key in pendingValues.current) save(key, pendingValues.current[key]);
  };
  useEffect(
    () => () => {
      // Leaving the screen: nothing typed may be lost.
      for (const [key, value] of Object.entries(pendingValues.current)) {
        clearTimeout(timers.current[key]);
        engine.setFields(app.id, { [key]: value === '' ? null : value });
      }
    },
    [engine, app.id],
  );

  return (
    <section class="view" aria-labelledby="form-title">
      <BackLink t={t} to={{ name: 'application', id: app.id }} label="app.backToTasks" />
      <h1 id="form-title">{t('app.taskData')}</h1>
      <p class="intro">{pick(lang, service, 'name')}</p>
      <SyncStatus t={t} status={sync.status} onSyncNow={onSyncNow} />
      {!editable && <p class="note">{t('app.locked')}</p>}
      <form class="form" onSubmit={(e) => e.preventDefault()} data-form>
        {(service.fields || []).map((field) => (
          <Field
            key={field.key}
            t={t}
            lang={lang}
            field={field}
            value={app.fields[field.key]}
            disabled={!editable}
            problem={invalid[field.key]}
            discrepancy={discrepancies.get(field.key)}
            onInput={onInput}
            onCommit={flush}
          />
        ))}
      </form>
      <p class="saved-note" role="status" aria-live="polite">
        {saved ? t('app.savedOnPhone') : ''}
      </p>
      <DoneButton t={t} app={app} />
    </section>
  );
}

/** {field key: message} from the latest rejected set_fields / submit of this application. */
function invalidFields(rejections, appId) {
  const out = {};
  for (const r of rejections) {
    if (r.application_id !== appId) continue;
    const fields = r.details?.fields || {};
    for (const [key, problem] of Object.entries(fields)) if (!(key in out)) out[key] = problem;
    for (const [key, problem] of Object.entries(r.details?.invalid_fields || {})) if (!(key in out)) out[key] = problem;
  }
  return out;
}

function Field({ t, lang, field, value, disabled, problem, discrepancy, onInput, onCommit }) {
  const id = `field-${field.key}`;
  const label = pick(lang, field, 'label');
  const help = pick(lang, field, 'help');
  const shown = value === null || value === undefined ? '' : String(value);
  const message = problem && (typeof problem === 'string' ? problem : lang === 'en' ? problem.message_en || problem.message : problem.message);
  const describedBy = [help && `${id}-help`, message && `${id}-error`].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    name: field.key,
    disabled,
    'aria-describedby': describedBy,
    'aria-invalid': message ? 'true' : undefined,
    onBlur: () => onCommit(field.key),
  };
  let control;
  const choices = field.validation?.choices || [];
  if (field.type === 'choice') {
    control = (
      <select
        class="input"
        {...common}
        value={shown}
        onChange={(e) => {
          onInput(field.key, e.currentTarget.value);
          onCommit(field.key);
        }}
      >
        <option value="">{t('app.choose')}</option>
        {choices.map((c) => (
          <option key={c.value} value={c.value}>
            {pick(lang, c, 'label')}
          </option>
        ))}
      </select>
    );
  } else if (field.type === 'textarea' || field.type === 'address') {
    control = <textarea class="input" rows={3} {...common} value={shown} onInput={(e) => onInput(field.key, e.currentTarget.value)} />;
  } else {
    control = (
      <input
        class="input"
        type={INPUT_TYPES[field.type] || 'text'}
        inputMode={field.type === 'nik' || field.type === 'number' ? 'numeric' : undefined}
        autocomplete="off"
        {...common}
        value={shown}
        onInput={(e) => {
          const raw = e.currentTarget.value;
          onInput(field.key, field.type === 'number' && raw !== '' ? Number(raw) : raw);
        }}
      />
    );
  }
  return (
    <div class="field" data-field={field.key}>
      <label class="field-label" for={id}>
        {label}
        {!field.required && <span class="field-optional"> ({t('app.optional')})</span>}
      </label>
      {help && (
        <p class="field-hint" id={`${id}-help`}>
          {help}
        </p>
      )}
      {control}
      {message && (
        <p class="field-error" id={`${id}-error`}>
          {message}
        </p>
      )}
      {discrepancy && (
        <p class="field-hint field-discrepancy">{t('app.recordSays', { value: String(discrepancy.record_value) })}</p>
      )}
    </div>
  );
}

// ---------------------------------------------------------------------------------------
// One requirement's document: photograph pages, or reuse a verified one

function DocumentStep({ t, lang, app, service, sync, engine, requirement, onSyncNow }) {
  const tasks = taskList(service, app, sync.view.documents);
  const task = tasks.requirements.find((r) => r.code === requirement.code);
  const wallet = walletMatches(requirement, sync.view.documents, todayWib()).filter((d) => d.id !== task.documentId);
  const [pages, setPages] = useState(null); // Blobs of the document on the phone
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState(null);
  const urls = useObjectUrls(pages);
  const local = task.document && (task.document.status === 'local' || task.document.status === 'uploading');

  useEffect(() => {
    let live = true;
    if (task.documentId && local) {
      engine.pages(task.documentId).then((stored) => live && setPages(stored || []));
    } else setPages([]);
    return () => {
      live = false;
    };
  }, [task.documentId, local, engine]);

  const store = async (next) => {
    if (next.length === 0) await engine.detach(app.id, requirement.code);
    else await engine.attachPages(app.id, requirement.code, next, { filename: `${requirement.code}.${extension(next)}` });
    setPages(next);
  };

  const add = async (files, { replace }) => {
    setProblem(null);
    setBusy(true);
    try {
      const chosen = [...files];
      if (chosen.some((f) => f.type === 'application/pdf')) {
        if (chosen.length > 1) throw new CaptureError('one_pdf');
        await store([chosen[0]]);
        return;
      }
      let kept = replace ? [] : (pages || []).filter((p) => p.type !== 'application/pdf');
      const multi = kept.length + chosen.length > 1;
      if (multi) {
        // Several pages become one PDF on the phone, which embeds JPEG only.
        kept = await Promise.all(kept.map((p) => (p.type === 'image/jpeg' ? p : compressPhoto(p, { jpegOnly: true }).then((r) => r.blob))));
      }
      const fresh = [];
      for (const file of chosen) fresh.push((await compressPhoto(file, { jpegOnly: multi })).blob);
      await store([...kept, ...fresh]);
    } catch (err) {
      setProblem(err instanceof CaptureError ? `capture.${err.code}` : 'capture.failed');
    } finally {
      setBusy(false);
    }
  };

  const remove = async (index) => {
    setBusy(true);
    try {
      await store(pages.filter((_, i) => i !== index));
    } finally {
      setBusy(false);
    }
  };

  const useWallet = async (document) => {
    setBusy(true);
    try {
      await engine.attachDocument(app.id, requirement.code, document.id);
    } finally {
      setBusy(false);
    }
  };

  const accept = (requirement.formats || ['jpeg', 'png', 'webp', 'pdf']).includes('pdf') ? 'image/*,application/pdf' : 'image/*';
  return (
    <section class="view" aria-labelledby="document-title" data-requirement-view={requirement.code}>
      <BackLink t={t} to={{ name: 'application', id: app.id }} label="app.backToTasks" />
      <h1 id="document-title">{pick(lang, requirement, 'title')}</h1>
      {pick(lang, requirement, 'notes') && <p class="intro">{pick(lang, requirement, 'notes')}</p>}
      <SyncStatus t={t} status={sync.status} onSyncNow={onSyncNow} />
      <p class="place">
        <TaskTag t={t} state={task.state} />
      </p>
      {task.state === 'rejected' && (
        <div class="callout callout-warn" role="alert">
          <p>
            <strong>{t('app.officerSays')}</strong> {task.note}
          </p>
        </div>
      )}
      {(task.state === 'invalid' || task.state === 'failed') && (
        <p class="field-error" role="alert">
          {task.reason}
        </p>
      )}
      {tasks.editable && wallet.length > 0 && (
        <div class="callout callout-ok" data-wallet>
          {wallet.map((d) => (
            <button key={d.id} type="button" class="button button-wide" disabled={busy} data-action="use-wallet" onClick={() => useWallet(d)}>
              {t('doc.useVerified', { title: pick(lang, requirement, 'title') })}
              {d.expires_on && <span class="button-note"> · {t('doc.validUntil', { date: formatDate(lang, d.expires_on) })}</span>}
            </button>
          ))}
        </div>
      )}
      {task.document && task.document.source === 'wallet' && <p class="note">{t('doc.fromWallet')}</p>}

      {pages === null ? (
        <Loading t={t} rows={1} />
      ) : (
        pages.length > 0 && (
          <ol class="pages" data-pages={pages.length}>
            {pages.map((page, i) => (
              <li key={i} class="page">
                {page.type === 'application/pdf' ? (
                  <span class="page-pdf">PDF · {Math.round(page.size / 1024)} KB</span>
                ) : (
                  <img src={urls[i]} alt={t('doc.pageAlt', { n: i + 1 })} class="page-image" />
                )}
                <span class="page-meta">
                  {t('doc.page', { n: i + 1 })} · {Math.round(page.size / 1024)} KB
                </span>
                {tasks.editable && (
                  <button type="button" class="button button-small button-danger-outline" disabled={busy} onClick={() => remove(i)}>
                    {t('doc.delete')}
                  </button>
                )}
              </li>
            ))}
          </ol>
        )
      )}
      {!local && task.document && task.document.status === 'ready' && (
        <p class="note" data-sent>
          {t('doc.sent', { size: Math.round((task.document.size || 0) / 1024) })}
        </p>
      )}
      {problem && (
        <p class="field-error" role="alert">
          {t(problem)}
        </p>
      )}
      {tasks.editable && (
        <div class="actions capture-actions">
          <FilePick label={t(pages && pages.length ? 'doc.retake' : 'doc.takePhoto')} capture accept="image/*" disabled={busy} onFiles={(f) => add(f, { replace: true })} name="camera" />
          {pages && pages.length > 0 && pages[0].type !== 'application/pdf' && (
            <FilePick label={t('doc.addPage')} capture accept="image/*" disabled={busy} onFiles={(f) => add(f, { replace: false })} name="add-page" secondary />
          )}
          <FilePick label={t('doc.chooseFile')} accept={accept} multiple disabled={busy} onFiles={(f) => add(f, { replace: true })} name="file" secondary />
        </div>
      )}
      {busy && <p class="loading-text">{t('doc.processing')}</p>}
      <DoneButton t={t} app={app} />
    </section>
  );
}

function extension(pages) {
  if (pages.length > 1) return 'pdf';
  return { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'application/pdf': 'pdf' }[pages[0].type] || 'bin';
}

/** A label styled as a button around a hidden file input (the camera on a phone). */
function FilePick({ label, accept, capture, multiple, disabled, onFiles, name, secondary }) {
  return (
    <label class={`button file-pick${secondary ? ' button-secondary' : ''}${disabled ? ' is-disabled' : ''}`} data-pick={name}>
      {label}
      <input
        type="file"
        class="visually-hidden"
        accept={accept}
        capture={capture ? 'environment' : undefined}
        multiple={multiple}
        disabled={disabled}
        onChange={(e) => {
          const files = e.currentTarget.files;
          if (files && files.length) onFiles(files);
          e.currentTarget.value = '';
        }}
      />
    </label>
  );
}

function useObjectUrls(blobs) {
  const [urls, setUrls] = useState([]);
  useEffect(() => {
    const made = (blobs || []).map((b) => (b.type === 'application/pdf' ? null : URL.createObjectURL(b)));
    setUrls(made);
    return () => made.forEach((u) => u && URL.revokeObjectURL(u));
  }, [blobs]);
  return urls;
}

// ---------------------------------------------------------------------------------------
// Check and submit

function SubmitStep({ t, lang, app, service, sync, engine, navigate, onSyncNow }) {
  const tasks = taskList(service, app, sync.view.documents);
  const [sending, setSending] = useState(false);
  const submit = async () => {
    setSending(true);
    try {
      await engine.submit(app.id);
      navigate({ name: 'application', id: app.id });
    } finally {
      setSending(false);
    }
  };
  return (
    <section class="view" aria-labelledby="submit-title">
      <BackLink t={t} to={{ name: 'application', id: app.id }} label="app.backToTasks" />
      <h1 id="submit-title">{t('app.taskSubmit')}</h1>
      <SyncStatus t={t} status={sync.status} onSyncNow={onSyncNow} />
      <dl class="facts summary" data-summary>
        {(service.fields || []).map((f) => (
          <div key={f.key}>
            <dt>{pick(lang, f, 'label')}</dt>
            <dd>
              {app.fields[f.key] === undefined || app.fields[f.key] === null ? (
                <span class="missing">{f.required ? t('app.missingValue') : '—'}</span>
              ) : (
                String(displayChoice(lang, f, app.fields[f.key]))
              )}
            </dd>
          </div>
        ))}
      </dl>
      <h2>{t('app.documents')}</h2>
      <ul class="tasks">
        {tasks.requirements.map((r) => (
          <li class="task" key={r.code}>
            <a href={hrefFor({ name: 'application', id: app.id, step: 'document', requirement: r.code })}>{pick(lang, r.spec, 'title')}</a>
            <TaskTag t={t} state={r.state} />
          </li>
        ))}
      </ul>
      {!tasks.canSubmit && tasks.editable && !tasks.submitQueued && (
        <div class="callout callout-warn" role="alert" data-not-ready>
          <p>{t('app.notReady')}</p>
          <ul>
            {tasks.missing.length > 0 && (
              <li>
                <a href={hrefFor({ name: 'application', id: app.id, step: 'data' })}>{t('app.missingFields', { n: tasks.missing.length })}</a>
              </li>
            )}
            {tasks.blocking.map((code) => {
              const r = tasks.requirements.find((x) => x.code === code);
              return (
                <li key={code}>
                  <a href={hrefFor({ name: 'application', id: app.id, step: 'document', requirement: code })}>
                    {pick(lang, r.spec, 'title')}: {t(`task.${r.state}`)}
                  </a>
                </li>
              );
            })}
          </ul>
        </div>
      )}
      {tasks.submitQueued && <p class="note">{t('app.submitQueuedNote')}</p>}
      <p class="section-intro">{t('app.submitIntro')}</p>
      <div class="actions">
        <button type="button" class="button button-wide" data-action="submit" disabled={!tasks.canSubmit || sending} onClick={submit}>
          {t(app.state === 'revision_requested' ? 'app.resubmit' : 'app.submit')}
        </button>
      </div>
    </section>
  );
}

function displayChoice(lang, field, value) {
  const choice = (field.validation?.choices || []).find((c) => c.value === value);
  return choice ? pick(lang, choice, 'label') : value;
}

