import { useState } from 'preact/hooks';
import { useApp } from '../app-context.js';
import { formState, taskList } from '../application-tasks.js';
import { readDrafts } from '../field-drafts.js';
import { getStorage } from '../storage.js';
import { pick } from '../format.js';
import { hrefFor } from '../router.js';
import { BackLink, issueText, TaskTag, typedPhone } from './application-parts.jsx';
import { SyncStatus } from './sync-status.jsx';

/** Check and submit: everything given, what still blocks, and the submit button. */
export function SubmitStep({ app, service }) {
  const { t, lang, sync, engine, states, navigate, onSyncNow } = useApp();
  const form = formState(service, app, readDrafts(getStorage(), app.id), sync.view.rejections);
  const tasks = taskList(service, app, sync.view.documents, states, form);
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
      <BackLink to={{ name: 'application', id: app.id }} label="app.backToTasks" />
      <h1 id="submit-title">{t('app.taskSubmit')}</h1>
      <SyncStatus t={t} status={sync.status} onSyncNow={onSyncNow} phone={typedPhone(service, form.texts)} />
      <dl class="facts summary" data-summary>
        {(service.fields || []).map((f) => (
          <div key={f.key}>
            <dt>{pick(lang, f, 'label')}</dt>
            <dd data-summary-field={f.key}>
              {form.texts[f.key] === '' ? (
                <span class="missing">{f.required ? t('app.missingValue') : '—'}</span>
              ) : (
                String(displayChoice(lang, f, form.texts[f.key]))
              )}
              {form.issues[f.key] && (
                <span class="field-error summary-issue">
                  {' '}
                  {t('task.needs_fix')}: {issueText(t, lang, form.issues[f.key])}
                </span>
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
            <TaskTag state={r.state} />
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
            {tasks.issues.length > 0 && (
              <li>
                <a href={hrefFor({ name: 'application', id: app.id, step: 'data' })}>{t('app.fieldsToFix', { n: tasks.issues.length })}</a>
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
