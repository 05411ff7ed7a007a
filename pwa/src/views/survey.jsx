import { useState } from 'preact/hooks';
import { useApp } from '../app-context.js';
import { pick } from '../format.js';
import { hrefFor } from '../router.js';
import { getStorage, readItem, writeItem } from '../storage.js';
import { useServices } from '../use-sync.js';
import { BackLink } from './application-parts.jsx';
import { SyncStatus } from './sync-status.jsx';
import './survey.css';

// The SKM questionnaire of Permen PANRB 14/2017 (server/survey/skm.py holds the same
// elements and answer words for the published report): nine elements, four answers each.
export const ELEMENTS = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8', 'u9'];
const PROFILE = {
  age_band: ['lt20', '20_29', '30_39', '40_49', '50_59', '60plus'],
  sex: ['l', 'p'],
  education: ['sd', 'smp', 'sma', 'diploma', 's1', 's2plus'],
  occupation: ['pns', 'tni', 'polri', 'swasta', 'wirausaha', 'pelajar', 'lainnya'],
};
const MAX_SUGGESTION = 2000;
const DISMISSED_KEY = 'sd.survey.offered';

/** The survey's state for one application: 'closed' (not completed), 'answered' (the
 * server's receipt), 'queued' (answered on this phone, not yet sent) or 'open'. */
export function surveyState(view, app) {
  if (!app || app.state !== 'completed') return 'closed';
  if (view.domains?.survey?.[app.id]) return 'answered';
  if (view.queue.some((q) => q.name === 'survey.submit' && q.args.application_id === app.id)) return 'queued';
  return 'open';
}

function offered(storage) {
  try {
    const list = JSON.parse(readItem(storage, DISMISSED_KEY) || '[]');
    return Array.isArray(list) ? list : [];
  } catch {
    return [];
  }
}

/**
 * The offer, once per completed application: a card above the applications screens until
 * the citizen answers or says "not now" (remembered on the phone).
 */
export function SurveyPrompt() {
  const { t, lang, sync } = useApp();
  const storage = getStorage();
  const [dismissed, setDismissed] = useState(() => offered(storage));
  const view = sync.view;
  const apps = Object.values(view.applications || {})
    .filter((a) => surveyState(view, a) === 'open' && !dismissed.includes(a.id))
    .sort((a, b) => String(b.updated_at).localeCompare(String(a.updated_at)));
  const app = apps[0];
  const services = useServices(app ? [app.service_id] : []);
  if (!app) return null;
  const service = services[app.service_id];
  const later = () => {
    const next = [...dismissed, app.id];
    writeItem(storage, DISMISSED_KEY, JSON.stringify(next.slice(-200)));
    setDismissed(next);
  };
  return (
    <aside class="survey-prompt" aria-labelledby="survey-prompt-title" data-survey-prompt={app.id}>
      <h2 id="survey-prompt-title">{t('survey.promptTitle')}</h2>
      <p>
        {t('survey.promptText', { service: service ? pick(lang, service, 'name') : t('survey.yourApplication'), reference: app.reference || '' })}
      </p>
      <div class="actions">
        <a class="button" href={hrefFor({ name: 'survey', id: app.id })} data-action="open-survey">
          {t('survey.promptOpen')}
        </a>
        <button type="button" class="button button-secondary" onClick={later} data-action="survey-later">
          {t('survey.promptLater')}
        </button>
      </div>
    </aside>
  );
}

/** #/survei/<application id>: the nine questions, the respondent profile and a suggestion. */
export function SurveyView({ id }) {
  const { t, lang, sync, engine, onSyncNow } = useApp();
  const view = sync.view;
  const app = view.applications[id];
  const services = useServices(app ? [app.service_id] : []);
  const service = app ? services[app.service_id] : null;
  const [answers, setAnswers] = useState({});
  const [suggestion, setSuggestion] = useState('');
  const [problems, setProblems] = useState(null);
  const [sending, setSending] = useState(false);
  const state = surveyState(view, app);
  const rejection = view.rejections.find((r) => r.name === 'survey.submit' && r.application_id === id);

  const back = <BackLink to={app ? { name: 'application', id } : { name: 'applications' }} label={app ? 'app.backToTasks' : 'apps.back'} />;
  if (!app || state === 'closed') {
    return (
      <section class="view survey">
        {back}
        <h1>{t('survey.title')}</h1>
        <p class="empty">{t(app ? 'survey.closed' : 'app.notFound')}</p>
      </section>
    );
  }
  if (state !== 'open') {
    return (
      <section class="view survey" aria-labelledby="survey-title">
        {back}
        <h1 id="survey-title">{t('survey.title')}</h1>
        <div class="survey-thanks" role="status" data-survey-done={state}>
          <p class="survey-thanks-title">{t('survey.thanks')}</p>
          <p>{t(state === 'queued' ? 'survey.queued' : 'survey.answered')}</p>
        </div>
        {rejection && <p class="field-error" role="alert">{lang === 'en' ? rejection.message_en : rejection.message}</p>}
        <SyncStatus t={t} status={sync.status} onSyncNow={onSyncNow} />
      </section>
    );
  }

  const set = (key, value) => {
    setAnswers((current) => ({ ...current, [key]: value }));
    setProblems((current) => (current ? current.filter((k) => k !== key) : current));
  };
  const submit = async (event) => {
    event.preventDefault();
    const missing = [...ELEMENTS, ...Object.keys(PROFILE)].filter((key) => answers[key] === undefined);
    if (missing.length) {
      setProblems(missing);
      const first = document.getElementById(`survey-${missing[0]}`);
      first?.focus();
      return;
    }
    setSending(true);
    try {
      await engine.mutate('survey.submit', {
        application_id: app.id,
        scores: Object.fromEntries(ELEMENTS.map((k) => [k, answers[k]])),
        age_band: answers.age_band,
        sex: answers.sex,
        education: answers.education,
        occupation: answers.occupation,
        suggestion: suggestion.trim(),
      });
    } finally {
      setSending(false);
    }
  };
  const invalid = (key) => Boolean(problems && problems.includes(key));

  return (
    <section class="view survey" aria-labelledby="survey-title">
      {back}
      <h1 id="survey-title">{t('survey.title')}</h1>
      <p class="survey-about">
        {service ? pick(lang, service, 'name') : ''}
        {app.reference ? ` · ${app.reference}` : ''}
      </p>
      <p class="survey-intro">{t('survey.intro')}</p>
      <form onSubmit={submit} noValidate data-survey-form>
        {problems && problems.length > 0 && (
          <p class="field-error" role="alert" data-survey-problems>
            {t('survey.missing', { n: problems.length })}
          </p>
        )}
        {ELEMENTS.map((key, index) => (
          <fieldset class={`field survey-question${invalid(key) ? ' survey-invalid' : ''}`} key={key} data-element={key}>
            <legend class="field-label">
              <span class="survey-number">{index + 1}.</span> {t(`survey.q.${key}`)}
            </legend>
            <div class="survey-scale">
              {[1, 2, 3, 4].map((score) => (
                <label class="choice survey-choice" key={score}>
                  <input
                    type="radio"
                    name={`survey-${key}`}
                    id={score === 1 ? `survey-${key}` : undefined}
                    value={score}
                    checked={answers[key] === score}
                    aria-invalid={invalid(key) ? 'true' : undefined}
                    onChange={() => set(key, score)}
                  />
                  <span>{t(`survey.a.${key}.${score}`)}</span>
                </label>
              ))}
            </div>
            {invalid(key) && <p class="field-error">{t('survey.choose')}</p>}
          </fieldset>
        ))}
        <h2>{t('survey.profileTitle')}</h2>
        <p class="field-hint">{t('survey.profileHint')}</p>
        {Object.entries(PROFILE).map(([key, values]) => (
          <div class="field" key={key}>
            <label class="field-label" for={`survey-${key}`}>
              {t(`survey.p.${key}`)}
            </label>
            <select
              id={`survey-${key}`}
              class="input"
              value={answers[key] ?? ''}
              aria-invalid={invalid(key) ? 'true' : undefined}
              onChange={(e) => set(key, e.currentTarget.value || undefined)}
            >
              <option value="">{t('survey.pick')}</option>
              {values.map((v) => (
                <option value={v} key={v}>
                  {t(`survey.p.${key}.${v}`)}
                </option>
              ))}
            </select>
            {invalid(key) && <p class="field-error">{t('survey.choose')}</p>}
          </div>
        ))}
        <div class="field">
          <label class="field-label" for="survey-suggestion">
            {t('survey.suggestion')} <span class="field-optional">({t('app.optional')})</span>
          </label>
          <p class="field-hint" id="survey-suggestion-hint">
            {t('survey.suggestionHint')}
          </p>
          <textarea
            id="survey-suggestion"
            class="input"
            rows={4}
            maxLength={MAX_SUGGESTION}
            aria-describedby="survey-suggestion-hint"
            value={suggestion}
            onInput={(e) => setSuggestion(e.currentTarget.value)}
          />
        </div>
        <button type="submit" class="button button-wide" disabled={sending} data-action="send-survey">
          {t('survey.send')}
        </button>
      </form>
    </section>
  );
}
