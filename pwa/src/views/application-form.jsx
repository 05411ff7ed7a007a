import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useApp } from '../app-context.js';
import { formState, taskList } from '../application-tasks.js';
import { readDrafts, writeDrafts } from '../field-drafts.js';
import { sendable, valueOf } from '../form-rules.js';
import { pick } from '../format.js';
import { getStorage } from '../storage.js';
import { BackLink, DoneButton, issueText, typedPhone } from './application-parts.jsx';
import { SyncStatus } from './sync-status.jsx';

const INPUT_TYPES = { date: 'date', email: 'email', number: 'number', phone: 'tel', nik: 'text' };
const AUTOSAVE_PAUSE_MS = 400;

/**
 * The form's text, owned by what the citizen types. A field shows its draft (field-drafts.js:
 * what was typed and the engine does not hold yet) over the engine's value, so a save that
 * resolves late, a pull or another tab's change never writes over newer text. The draft is
 * written on every input; the engine gets the text after a short pause, at once when the
 * field is left, when the screen is left or hidden, and (for a draft found after a reload)
 * when the form opens. Text the service's rules refuse (form-rules.js) stays a draft, on
 * the phone with its reason, and is not sent. A draft goes once the engine holds its text
 * and the field is not being edited.
 */
function useOwnedFields(app, service, engine, rejections) {
  const storage = useMemo(getStorage, []);
  const [drafts, setDraftsState] = useState(() => readDrafts(storage, app.id));
  const draftsRef = useRef(drafts);
  const focused = useRef(null);
  const timers = useRef({});
  const [saved, setSaved] = useState(null);
  const state = formState(service, app, drafts, rejections);
  const latest = useRef(state);
  latest.current = state;

  const setDrafts = useCallback(
    (change) => {
      const next = change(draftsRef.current);
      if (next === draftsRef.current) return;
      draftsRef.current = next;
      writeDrafts(storage, app.id, next);
      setDraftsState(next);
    },
    [storage, app.id],
  );

  const save = useCallback(
    async (key) => {
      clearTimeout(timers.current[key]);
      delete timers.current[key];
      const text = draftsRef.current[key];
      const field = (service.fields || []).find((f) => f.key === key);
      if (text === undefined || !field) return;
      const texts = { ...latest.current.texts, ...draftsRef.current };
      if (!sendable(service, key, texts)) return; // kept on the phone with its reason
      await engine.setFields(app.id, { [key]: valueOf(field, text) });
      setSaved(Date.now());
      // The server's refusals this text answers are done with: a refused submit (any new
      // text may fix it) and a refused set_fields whose fields all hold other text now.
      for (const r of rejections) {
        if (r.application_id !== app.id) continue;
        const keys = Object.keys({ ...(r.details?.fields || {}), ...(r.details?.invalid_fields || {}) });
        const refused = latest.current.refused;
        const answered =
          keys.length > 0 &&
          (r.name === 'application.submit' || keys.every((k) => k === key || refused[k]?.rejection !== r.key || texts[k] !== refused[k].value));
        if (answered) engine.dismissRejection(r.key);
      }
      // The engine holds this text now; the draft stays while the field is being edited or
      // if newer text was typed meanwhile.
      if (focused.current !== key) {
        setDrafts((current) => {
          if (current[key] !== text) return current;
          const { [key]: _, ...rest } = current;
          return rest;
        });
      }
    },
    [engine, app.id, service, setDrafts, rejections],
  );

  const saveAll = useCallback(() => {
    for (const key of Object.keys(draftsRef.current)) save(key);
  }, [save]);

  // A draft left from before a reload goes to the engine now; leaving or hiding the screen
  // sends whatever is still waiting for its pause.
  const saveAllRef = useRef(saveAll);
  saveAllRef.current = saveAll;
  useEffect(() => {
    saveAllRef.current();
    const onHide = () => document.visibilityState === 'hidden' && saveAllRef.current();
    document.addEventListener('visibilitychange', onHide);
    return () => {
      document.removeEventListener('visibilitychange', onHide);
      focused.current = null;
      saveAllRef.current();
    };
  }, []);

  const onInput = (key, text) => {
    setDrafts((current) => ({ ...current, [key]: text }));
    clearTimeout(timers.current[key]);
    timers.current[key] = setTimeout(() => save(key), AUTOSAVE_PAUSE_MS);
  };
  const onFocus = (key) => {
    focused.current = key;
  };
  const onLeave = (key) => {
    if (focused.current === key) focused.current = null;
    save(key);
  };
  return { ...state, drafts, onInput, onFocus, onLeave, saved };
}

/** The service's form, saved on the phone as the citizen types and checked by its rules. */
export function FormStep({ app, service }) {
  const { t, lang, sync, engine, states, onSyncNow } = useApp();
  const editable = taskList(service, app, sync.view.documents, states).editable;
  const form = useOwnedFields(app, service, engine, sync.view.rejections);
  const discrepancies = new Map((app.discrepancies || []).map((d) => [d.field, d]));
  // Reasons show once a field has been left (or holds a value from before): nobody needs
  // "too short" after the first digit. From then on they follow every keystroke.
  const [touched, setTouched] = useState(() => new Set(Object.keys(form.texts).filter((k) => form.texts[k] !== '')));
  const touch = (key) => setTouched((current) => (current.has(key) ? current : new Set([...current, key])));

  return (
    <section class="view" aria-labelledby="form-title">
      <BackLink to={{ name: 'application', id: app.id }} label="app.backToTasks" />
      <h1 id="form-title">{t('app.taskData')}</h1>
      <p class="intro">{pick(lang, service, 'name')}</p>
      <SyncStatus t={t} status={sync.status} onSyncNow={onSyncNow} phone={typedPhone(service, form.texts)} />
      {!editable && <p class="note">{t('app.locked')}</p>}
      {editable && <p class="note field-required-note">{t('app.requiredNote')}</p>}
      <form class="form" onSubmit={(e) => e.preventDefault()} data-form noValidate>
        {(service.fields || []).map((field) => {
          const shown = touched.has(field.key) || form.issues[field.key]?.server;
          let issue = shown ? form.issues[field.key] : null;
          if (!issue && touched.has(field.key) && form.missing.includes(field.key)) issue = { code: 'required' };
          return (
            <Field
              key={field.key}
              field={field}
              text={form.texts[field.key]}
              disabled={!editable}
              issue={issue}
              held={Boolean(issue && field.key in form.drafts && !sendable(service, field.key, form.texts))}
              discrepancy={discrepancies.get(field.key)}
              onInput={form.onInput}
              onFocus={form.onFocus}
              onLeave={(key) => {
                touch(key);
                form.onLeave(key);
              }}
            />
          );
        })}
      </form>
      <p class="saved-note" role="status" aria-live="polite">
        {form.saved ? t('app.savedOnPhone') : ''}
      </p>
      <DoneButton app={app} />
    </section>
  );
}

function Field({ field, text, disabled, issue, held, discrepancy, onInput, onFocus, onLeave }) {
  const { t, lang } = useApp();
  const id = `field-${field.key}`;
  const label = pick(lang, field, 'label');
  const help = pick(lang, field, 'help');
  const message = issueText(t, lang, issue);
  const describedBy = [help && `${id}-help`, message && `${id}-error`].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    name: field.key,
    disabled,
    value: text,
    'aria-describedby': describedBy,
    'aria-invalid': message ? 'true' : undefined,
    'aria-required': field.required ? 'true' : undefined,
    onFocus: () => onFocus(field.key),
    onBlur: () => onLeave(field.key),
  };
  let control;
  const choices = field.validation?.choices || [];
  if (field.type === 'choice') {
    control = (
      <select
        class="input"
        {...common}
        onChange={(e) => {
          onInput(field.key, e.currentTarget.value);
          onLeave(field.key);
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
    control = <textarea class="input" rows={3} {...common} onInput={(e) => onInput(field.key, e.currentTarget.value)} />;
  } else {
    control = (
      <input
        class="input"
        type={INPUT_TYPES[field.type] || 'text'}
        inputMode={field.type === 'nik' || field.type === 'number' ? 'numeric' : undefined}
        autocomplete="off"
        {...common}
        onInput={(e) => onInput(field.key, e.currentTarget.value)}
      />
    );
  }
  return (
    <div class={`field${message ? ' field-invalid' : ''}`} data-field={field.key} data-issue={issue ? issue.code : undefined}>
      <label class="field-label" for={id}>
        {label}
        {field.required ? <span class="field-required"> ({t('app.required')})</span> : <span class="field-optional"> ({t('app.optional')})</span>}
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
          {held && <span class="field-held"> {t('problem.heldOnPhone')}</span>}
        </p>
      )}
      {discrepancy && <p class="field-hint field-discrepancy">{t('app.recordSays', { value: String(discrepancy.record_value) })}</p>}
    </div>
  );
}
