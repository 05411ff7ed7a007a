import { useEffect, useRef, useState } from 'preact/hooks';
import { useApp } from '../app-context.js';
import { taskList } from '../application-tasks.js';
import { pick } from '../format.js';
import { BackLink, DoneButton } from './application-parts.jsx';
import { SyncStatus } from './sync-status.jsx';

const INPUT_TYPES = { date: 'date', email: 'email', number: 'number', phone: 'tel', nik: 'text' };

/** The service's form, saved on the phone as the citizen types. */
export function FormStep({ app, service }) {
  const { t, lang, sync, engine, states, onSyncNow } = useApp();
  const editable = taskList(service, app, sync.view.documents, states).editable;
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
      <BackLink to={{ name: 'application', id: app.id }} label="app.backToTasks" />
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
      <DoneButton app={app} />
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
