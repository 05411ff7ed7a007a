import { useApp } from '../app-context.js';
import { sortedApplications } from '../application-tasks.js';
import { formatDateTime, pick } from '../format.js';
import { hrefFor } from '../router.js';
import { useServices } from '../use-sync.js';
import { StateBadge } from './state-badge.jsx';
import { SyncStatus } from './sync-status.jsx';
import { bookableByMpp, sortedVisits } from '../visits.js';
import { myComplaints } from './complaints.jsx';

/**
 * #/permohonan: the citizen's applications on this phone and from the MPP, newest first,
 * with the notifications inbox above (what needs them first).
 */
export function Applications() {
  const { t, lang, sync, states, onSyncNow, engine } = useApp();
  const { view, status } = sync;
  const list = sortedApplications(view.applications);
  const services = useServices(list.map((a) => a.service_id));
  const notifications = (view.notifications || []).slice(0, 5);
  return (
    <section class="view" aria-labelledby="applications-title">
      <h1 id="applications-title">{t('apps.title')}</h1>
      <SyncStatus t={t} status={status} onSyncNow={onSyncNow} />
      <VisitsLink view={view} services={services} />
      <ComplaintsLink />
      {notifications.length > 0 && (
        <>
          <h2>{t('inbox.title')}</h2>
          <ul class="inbox">
            {notifications.map((n) => (
              <li key={n.id} class="inbox-item" data-notification={n.id}>
                <a href={n.kind === 'complaint_update' ? hrefFor({ name: 'complaint', id: n.data.complaint_id }) : n.application_id ? hrefFor({ name: 'application', id: n.application_id }) : '#/permohonan'}>
                  <span class="inbox-text">{notificationText(t, states, n, lang)}</span>
                  <span class="inbox-time">{formatDateTime(lang, n.created_at)}</span>
                </a>
              </li>
            ))}
          </ul>
        </>
      )}
      <Queue t={t} lang={lang} queue={view.queue || []} applications={view.applications} services={services} engine={engine} />
      <h2>{t('apps.list')}</h2>
      {list.length === 0 ? (
        <p class="empty">
          {t('apps.empty')} <a href="#/">{t('apps.findService')}</a>
        </p>
      ) : (
        <ul class="cards">
          {list.map((app) => {
            const service = services[app.service_id];
            return (
              <li key={app.id}>
                <a class="card" href={hrefFor({ name: 'application', id: app.id })} data-application={app.id}>
                  <span class="card-title">{service ? pick(lang, service, 'name') : app.service_id}</span>
                  <span class="card-place">
                    {app.reference || t('apps.noReference')}
                    {service && service.agency ? ` · ${service.agency.name}` : ''}
                  </span>
                  <span class="card-badges">
                    <StateBadge t={t} lang={lang} states={states} app={app} />
                  </span>
                </a>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

/** To the one visit, when there is one booked or an application ready to book. */
function VisitsLink({ view, services }) {
  const { t } = useApp();
  const now = Date.now();
  const ready = bookableByMpp(view.applications, services, view.visits, now).reduce((n, g) => n + g.items.length, 0);
  const booked = sortedVisits(view.visits, now).open.length;
  if (!ready && !booked) return null;
  return (
    <a class="card card-chosen visits-link" href={hrefFor({ name: 'visits' })} data-nav="visits">
      <span class="card-title">{t('visits.link')}</span>
      <span class="card-place">
        {[booked ? `${t('visits.mine')}: ${booked}` : '', ready ? `${t('visits.ready')}: ${ready}` : ''].filter(Boolean).join(' · ')}
      </span>
    </a>
  );
}

function ComplaintsLink() {
  const { t, sync } = useApp();
  const n = myComplaints(sync.view).length;
  return (
    <p class="complaint-link">
      <a href={hrefFor({ name: 'complaints' })} data-nav="complaints">
        {t('nav.complaints')}
        {n ? ` (${n})` : ''}
      </a>
    </p>
  );
}

/** A notification in words; `data` holds the state, reference and, for a revision, why. */
export function notificationText(t, states, n, lang = 'id') {
  const data = n.data || {};
  if (n.kind === 'document_check') {
    // The server read the NIK on an identity document (#19): unreadable, or not the form's.
    const title = (data.title && (data.title[lang] || data.title.id)) || data.requirement || '';
    if (data.result === 'mismatch') return t('quality.nikDiffers', { title, scan: data.scan || '', form: data.form || '' });
    return t('quality.nikUnreadable', { title });
  }
  if (n.kind === 'complaint_update') return t(`inbox.complaint.${data.step}`, { reference: data.reference || '' });
  if (n.kind === 'visit_reminder') return t('inbox.reminder', { reference: data.reference || '' });
  // The MPP floor (server/visit_queue): a booked visitor's number is near, or called.
  if (n.kind === 'queue_near') return t('inbox.queueNear', { number: data.number || '', n: data.ahead ?? 3, counter: data.counter || '' });
  if (n.kind === 'queue_called') return t('inbox.queueCalled', { number: data.number || '', counter: data.counter || '' });
  if (data.state === 'revision_requested') return t('inbox.revision', { reference: data.reference || '' });
  if (data.state === 'ready') return t('inbox.ready', { reference: data.reference || '' });
  return t('inbox.state', { reference: data.reference || '', state: states.label(data.state) });
}

const QUEUE_LABELS = {
  'application.create': 'queue.create',
  'application.set_fields': 'queue.setFields',
  'application.attach': 'queue.attach',
  'application.detach': 'queue.detach',
  'application.submit': 'queue.submit',
  'application.withdraw': 'queue.withdraw',
  'application.discard': 'queue.discard',
};

/** A requirement by its name in the service's standard ("KTP-el kepala keluarga"), never its code. */
export function requirementTitle(lang, service, code) {
  if (!code) return '';
  const requirement = (service?.requirements || []).find((r) => r.code === code);
  return requirement ? pick(lang, requirement, 'title') : '…';
}

/**
 * What is still on the phone, in the order it will be sent; anything not yet sent can be
 * taken back (the engine drops it and what depends on it, e.g. a photo with its attach).
 */
function Queue({ t, lang, queue, applications, services, engine }) {
  const waiting = queue.filter((item) => !item.sent);
  if (waiting.length === 0) return null;
  return (
    <>
      <h2>{t('queue.title')}</h2>
      <ul class="inbox" data-queue>
        {waiting.map((item) => {
          const app = applications[item.args.application_id];
          const service = app && services[app.service_id];
          const fields = item.name === 'application.set_fields' ? Object.keys(item.args.fields || {}).length : 0;
          return (
            <li key={item.seq} class="task" data-queue-item={item.name}>
              <span>
                <span class="inbox-text">{t(QUEUE_LABELS[item.name] || 'queue.other', { n: fields, count: fields, title: requirementTitle(lang, service, item.args.requirement_code) })}</span>
                <span class="inbox-time"> · {service ? pick(lang, service, 'name') : item.args.application_id?.slice(0, 8)}</span>
              </span>
              <button type="button" class="button button-small button-danger-outline" onClick={() => engine.discard(item.seq)}>
                {t('queue.cancel')}
              </button>
            </li>
          );
        })}
      </ul>
    </>
  );
}
