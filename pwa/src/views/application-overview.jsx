import { useState } from 'preact/hooks';
import { useApp } from '../app-context.js';
import { formState, historyOf, taskList } from '../application-tasks.js';
import { readDrafts, writeDrafts } from '../field-drafts.js';
import { formatDate, formatDateTime, pick } from '../format.js';
import { enablePush, pushEnabled, pushPermission } from '../push.js';
import { hrefFor } from '../router.js';
import { getStorage } from '../storage.js';
import { notificationText } from './applications.jsx';
import { BackLink, fieldLabel, Header, TaskTag, typedPhone } from './application-parts.jsx';
import { SyncStatus } from './sync-status.jsx';
import { ComplainLink } from './complaints.jsx';

/** The application's task list, with what the MPP said and the history. */
export function Overview({ app, service }) {
  const { t, lang, sync, engine, states, navigate, onSyncNow, api } = useApp();
  const form = formState(service, app, readDrafts(getStorage(), app.id), sync.view.rejections);
  const tasks = taskList(service, app, sync.view.documents, states, form);
  const notes = tasks.requirements.filter((r) => r.state === 'rejected');
  const history = historyOf(app, sync.view.notifications);
  const finished = states.terminal(app.state);
  const [confirming, setConfirming] = useState(null);
  const isDraft = app.state === 'draft' && !app.reference;
  const withdrawable = states.withdrawable(app.state) && !app.pending?.withdraw;

  const discard = async () => {
    await engine.discardApplication(app.id);
    writeDrafts(getStorage(), app.id, {}); // the form's unsent text goes with the draft
    navigate({ name: 'applications' });
  };
  const withdraw = async () => {
    await engine.withdraw(app.id);
    setConfirming(null);
  };

  return (
    <section class="view" aria-labelledby="application-title" data-application-view={app.id}>
      <BackLink to={{ name: 'applications' }} label="apps.back" />
      <Header app={app} service={service} />
      <SyncStatus t={t} status={sync.status} onSyncNow={onSyncNow} phone={typedPhone(service, form.texts)} />
      <ComplainLink app={app} />
      <Rejections app={app} />

      {app.state === 'revision_requested' && (notes.length > 0 || app.officer_note) && (
        <div class="callout callout-warn" role="alert" data-revision>
          <h2 class="callout-title">{t('app.revisionTitle')}</h2>
          {app.officer_note && <p>{app.officer_note}</p>}
          {notes.length > 0 && (
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
          )}
        </div>
      )}
      {app.state === 'rejected' && app.officer_note && (
        <div class="callout callout-bad" role="alert">
          <h2 class="callout-title">{t('app.rejectedTitle')}</h2>
          <p>{app.officer_note}</p>
        </div>
      )}
      {(app.state === 'ready' || app.state === 'completed') && <Pickup app={app} />}
      {(app.state !== 'draft' || app.pending?.submit) && !finished && api && <PushOffer />}

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

      <h2>{t(tasks.editable ? 'app.tasks' : 'app.tasksSent')}</h2>
      <ol class="tasks">
        <li class="task">
          <a href={hrefFor({ name: 'application', id: app.id, step: 'data' })} data-task="data">
            {t('app.taskData')}
          </a>
          <TaskTag state={tasks.data} />
        </li>
        {tasks.requirements.map((r) => (
          <li class="task" key={r.code}>
            <a href={hrefFor({ name: 'application', id: app.id, step: 'document', requirement: r.code })} data-task={`doc-${r.code}`}>
              {pick(lang, r.spec, 'title')}
              {!r.required && <span class="task-optional"> ({t('service.optional')})</span>}
            </a>
            <TaskTag state={r.state} />
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
          <TaskTag state={tasks.submitQueued ? 'queued' : tasks.editable ? (tasks.canSubmit ? 'ready_to_send' : 'not_ready') : 'sent'} />
        </li>
      </ol>

      <h2>{t('app.timeline')}</h2>
      <ol class="timeline" data-timeline>
        {history.map((entry, i) => (
          <li key={i} data-history={entry.kind} data-at={entry.at}>
            {entry.kind === 'created' && t('app.createdAt', { when: formatDateTime(lang, entry.at) })}
            {entry.kind === 'submitted' && t('app.submittedAt', { when: formatDateTime(lang, entry.at) })}
            {entry.kind === 'notification' && `${formatDateTime(lang, entry.at)}: ${notificationText(t, states, entry.notification, lang)}`}
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

function Rejections({ app }) {
  const { t, lang, sync, engine } = useApp();
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

/**
 * After the first submit (the moment it makes sense), offer notifications by a button; the
 * browser's permission prompt only ever follows the citizen's tap.
 */
function PushOffer() {
  const { t, lang, api } = useApp();
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

function Pickup({ app }) {
  const { t, lang } = useApp();
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
      {app.state === 'ready' && (
        <a class="button" href="#/kunjungan" data-nav="book-visit">
          {t('visits.link')}
        </a>
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
