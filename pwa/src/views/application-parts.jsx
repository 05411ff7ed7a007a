// Small pieces the application's screens share (application*.jsx).
import { useApp } from '../app-context.js';
import { pick } from '../format.js';
import { hrefFor } from '../router.js';
import { StateBadge } from './state-badge.jsx';

/** Back to the task list: what was done is already stored on the phone. */
export function DoneButton({ app }) {
  const { t } = useApp();
  return (
    <div class="actions">
      <a class="button button-wide" href={hrefFor({ name: 'application', id: app.id })} data-action="done">
        {t('app.done')}
      </a>
    </div>
  );
}

export function BackLink({ to, label }) {
  const { t } = useApp();
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
  needs_fix: 'bad',
  ready_to_send: 'ok',
  not_ready: 'todo',
};

export function TaskTag({ state }) {
  const { t } = useApp();
  return (
    <span class={`task-tag task-${TASK_TAG[state] || 'todo'}`} data-task-state={state}>
      {t(`task.${state}`)}
    </span>
  );
}

export function Header({ app, service }) {
  const { t, lang, states } = useApp();
  return (
    <>
      <h1 id="application-title">{pick(lang, service, 'name')}</h1>
      <p class="place">
        {app.reference || t('apps.noReference')} · <StateBadge t={t} states={states} app={app} />
      </p>
    </>
  );
}

export function fieldLabel(lang, service, key) {
  const field = (service.fields || []).find((f) => f.key === key);
  return field ? pick(lang, field, 'label') : key;
}

/** A problem in the citizen's language: ours by code, else the server's own words. */
export function issueText(t, lang, issue) {
  if (!issue) return '';
  if (issue.server) {
    const own = lang === 'en' ? issue.message_en : issue.message;
    if (own) return own;
  }
  return t(`problem.${issue.code}`, issue.params || {});
}

/** The mobile number typed in the form (the field the service maps to the profile's phone). */
export function typedPhone(service, texts) {
  const field = (service.fields || []).find((f) => f.profile_key === 'phone');
  return field ? texts[field.key] || '' : '';
}
