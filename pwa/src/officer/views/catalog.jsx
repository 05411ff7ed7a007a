// The catalog editor (issue #18): an MPP's admin edits their MPP (its details, agencies and
// the services they offer, counters, opening hours, holidays); a national admin also the
// shared part (service standards with their requirements, form fields, steps, SLA, fee and
// product; document types; national holidays). API: /api/admin/catalog (contract in the
// server's catalog admin module).
//
// Every change goes to a draft of one scope ("national" or "mpp:<code>"): kept on the
// device at once (localStorage, catalog-logic.localDraft) and sent to the server a moment
// after the last keystroke, so a reload or a dropped connection loses nothing; citizens see
// nothing until Publish. The rules are the loader's (one set, `flask catalog load`): the
// server checks a draft and answers errors with paths into it; each lands next to the
// input that edits that path (catalog-logic.placeErrors) and the first is focused.
// Withdrawing a service is retiring it (its offering removed from the MPP: applications that
// cite it keep it); a document type still in use cannot go (the publish is refused).

import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { formatDateTime } from '../../format.js';
import { errorText } from '../i18n.js';
import {
  catalogErrors,
  changedItems,
  debouncer,
  diffDocs,
  errorsFromDetails,
  fieldId,
  getIn,
  inputText,
  insertAt,
  integerValue,
  isPrefix,
  localDraft,
  moveItem,
  numberValue,
  optionalText,
  parsePath,
  pathString,
  placeErrors,
  rebaseDraft,
  reconcileDraft,
  removeAt,
  setIn,
} from '../catalog-logic.js';
import './ops.css';
import './catalog.css';

export const CATALOG_HASH = '#/katalog';
const SAVE_AFTER_MS = 800;
const SCOPE_KEY = 'sd.catalog.scope';

// The loader's vocabularies (server/catalog/models.py, sync/model.py).
const FIELD_TYPES = ['text', 'textarea', 'number', 'date', 'choice', 'nik', 'phone', 'address', 'email'];
const PROFILE_KEYS = ['nik', 'full_name', 'birth_place', 'birth_date', 'sex', 'address', 'kk_number', 'phone', 'email'];
const FORMATS = ['jpeg', 'png', 'webp', 'pdf'];
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** True on the catalog screen's hash. */
export function catalogRoute(hash) {
  return String(hash || '').replace(/\/$/, '') === CATALOG_HASH;
}

function storageOrNull(name) {
  try {
    return globalThis[name] ?? null;
  } catch {
    return null;
  }
}

const revisionOf = (draft) => (draft ? `${draft.id}@${draft.updated_at || ''}` : null);
const scopeQuery = (scope) => `scope=${encodeURIComponent(scope)}`;

export function Catalog({ t, lang, client }) {
  const [info, setInfo] = useState(null);
  const [error, setError] = useState(null);
  const [scope, setScope] = useState(null);

  useEffect(() => {
    client
      .getJson('/api/admin/catalog')
      .then((body) => {
        setInfo(body);
        const editable = (body.scopes || []).filter((s) => s.editable).map((s) => s.scope);
        let remembered = null;
        try {
          remembered = storageOrNull('sessionStorage')?.getItem(SCOPE_KEY);
        } catch {
          remembered = null;
        }
        const own = body.me?.mpp ? `mpp:${body.me.mpp}` : 'national';
        setScope([remembered, own, editable[0]].find((s) => s && editable.includes(s)) || null);
      })
      .catch(setError);
  }, [client]);

  const choose = (next) => {
    try {
      storageOrNull('sessionStorage')?.setItem(SCOPE_KEY, next);
    } catch {
      // the choice is only for this tab
    }
    setScope(next);
  };

  return (
    <section class="ops cat" aria-labelledby="cat-title">
      <div class="ops-head">
        <h1 id="cat-title">{t('cat.title')}</h1>
        {info && info.scopes.filter((s) => s.editable).length > 1 && (
          <label class="field cat-scope">
            <span>{t('cat.scope')}</span>
            <select id="cat-scope" value={scope || ''} onChange={(e) => choose(e.currentTarget.value)}>
              {info.scopes
                .filter((s) => s.editable)
                .map((s) => (
                  <option key={s.scope} value={s.scope}>
                    {s.scope === 'national' ? t('cat.scope.national') : s.name || s.scope}
                  </option>
                ))}
            </select>
          </label>
        )}
      </div>
      {error && (
        <p class="alert alert-bad" role="alert" data-error={error.code || ''}>
          {errorText(t, error)}
        </p>
      )}
      {!info && !error && <p class="muted">{t('loading')}</p>}
      {scope && <ScopeEditor key={scope} t={t} lang={lang} client={client} scope={scope} national={info.scopes.some((s) => s.scope === 'national' && s.editable)} />}
    </section>
  );
}

/** The left-hand list: one entry per thing edited on its own, in screen order. */
function navItems(t, scope, doc) {
  if (!doc) return [];
  if (scope === 'national') {
    return [
      { path: 'document_types', label: t('cat.sec.documentTypes') },
      { path: 'holidays', label: t('cat.sec.nationalHolidays') },
      ...(doc.service_standards || []).map((s, i) => ({
        path: `service_standards[${i}]`,
        label: s.name_id || s.code || t('cat.item', { what: t('cat.standard'), n: i + 1 }),
        sub: s.code,
        group: t('cat.sec.standards'),
      })),
    ];
  }
  const mpp = doc.mpp || {};
  return [
    { path: 'mpp', label: t('cat.sec.mpp') },
    ...(mpp.agencies || []).map((a, i) => ({
      path: `mpp.agencies[${i}]`,
      label: a.name || a.code || t('cat.item', { what: t('cat.agency'), n: i + 1 }),
      sub: a.code,
      group: t('cat.sec.agencies'),
    })),
    { path: 'mpp.visits', label: t('cat.sec.visits') },
    { path: 'mpp.visits.counters', label: t('cat.sec.counters') },
    { path: 'mpp.holidays', label: t('cat.sec.holidays') },
  ];
}

/** The nav entry an error belongs to: the longest entry path that prefixes it, else null. */
function navOf(items, path) {
  let best = null;
  for (const item of items) {
    if (isPrefix(item.path, path) && (!best || parsePath(item.path).length > parsePath(best.path).length)) best = item;
  }
  return best;
}

function ScopeEditor({ t, lang, client, scope, national }) {
  const store = useMemo(() => localDraft(storageOrNull('localStorage'), scope), [scope]);
  const [published, setPublished] = useState(null);
  const [draft, setDraft] = useState(null);
  const [doc, setDoc] = useState(null);
  const [save, setSave] = useState('clean');
  const [errors, setErrors] = useState([]);
  const [checked, setChecked] = useState(null);
  const [notice, setNotice] = useState(null);
  const [failure, setFailure] = useState(null);
  const [selected, setSelected] = useState(null);
  const [confirm, setConfirm] = useState(null);
  const [busy, setBusy] = useState(false);
  const [known, setKnown] = useState({ item: null, paths: [] }); // the inputs on screen, for which entry
  const [filter, setFilter] = useState('');
  const [standards, setStandards] = useState([]);
  // `base`: the published data the draft was made on (null when not known: the draft is
  // older than what was published when this screen opened); `version`: its catalog version.
  const words = useRef(t); // the language of now in callbacks made at the first render
  words.current = t;
  const live = useRef({ doc: null, draft: null, dirty: false, inflight: null, again: false, base: null, version: null });
  const focusFirst = useRef(false);
  const editorRef = useRef(null);
  const summaryRef = useRef(null);
  const confirmRef = useRef(null);
  const noticeRef = useRef(null);
  const focusNotice = useRef(false); // after publish / discard / rebase: the outcome takes the focus
  const fileRef = useRef(null);

  const remember = (next, dirty) => {
    live.current.dirty = dirty;
    store.save({ doc: next, base: revisionOf(live.current.draft), dirty, savedAt: Date.now() });
  };

  /** Send the draft as it is now (creating it on the first change). */
  const send = async () => {
    if (live.current.inflight) {
      live.current.again = true;
      return live.current.inflight;
    }
    const run = (async () => {
      const sent = live.current.doc;
      setSave('saving');
      try {
        const current = live.current.draft;
        const answer = current
          ? await client.request(`/api/admin/catalog/drafts/${current.id}`, { method: 'PUT', body: { data: sent } })
          : await client.request('/api/admin/catalog/drafts', { method: 'POST', body: { scope, data: sent } });
        const meta = answer && answer.id ? { ...answer, data: undefined } : current;
        live.current.draft = meta;
        setDraft(meta);
        if (!current && meta && live.current.version !== null && meta.base_version !== live.current.version) {
          // Someone published since this screen opened: the new draft holds this screen's
          // copy of the older catalog, and publishing it would undo their change.
          live.current.mustRebase = true;
          setNotice({ kind: 'warn', text: words.current('cat.stale', { base: live.current.version, current: meta.base_version }), reapply: true });
        }
        const clean = live.current.doc === sent;
        remember(live.current.doc, !clean);
        setSave(clean ? 'saved' : 'local');
        if (!clean) live.current.again = true;
      } catch (err) {
        setSave('local');
        if (err.code === 'catalog_draft_closed' || err.code === 'catalog_draft_not_found') {
          live.current.draft = null;
          setDraft(null);
          remember(live.current.doc, true);
          setNotice({ kind: 'warn', text: words.current('cat.closed') });
        } else if (err.name !== 'NetworkError') {
          setFailure(err);
        }
      }
    })();
    live.current.inflight = run;
    try {
      await run;
    } finally {
      live.current.inflight = null;
      if (live.current.again) {
        live.current.again = false;
        saver.schedule();
      }
    }
    return undefined;
  };
  const saver = useMemo(() => debouncer(SAVE_AFTER_MS, () => send()), []);

  /** Everything typed is on the server (or says why not). */
  const flush = async () => {
    saver.cancel();
    if (live.current.inflight) await live.current.inflight;
    if (live.current.dirty) await send();
    return !live.current.dirty;
  };

  const load = async () => {
    setFailure(null);
    const [current, list] = await Promise.all([
      client.getJson(`/api/admin/catalog/current?${scopeQuery(scope)}`),
      client.getJson('/api/admin/catalog/drafts'),
    ]);
    const open = (list.items || []).find((d) => d.scope === scope && d.status === 'open');
    const full = open ? await client.getJson(`/api/admin/catalog/drafts/${open.id}`) : null;
    const plan = reconcileDraft(full ? { doc: full.data, revision: revisionOf(full) } : null, store.load());
    const meta = full ? { ...full, data: undefined } : null;
    const start = plan.doc ?? current.data;
    const baseKnown = !meta || meta.base_version === current.version;
    live.current = { ...live.current, doc: start, draft: meta, dirty: plan.push, base: baseKnown ? current.data : null, version: current.version, mustRebase: false };
    setPublished(current);
    if (!baseKnown) {
      setNotice({ kind: 'warn', text: t('cat.stale', { base: meta.base_version, current: current.version }), restart: true });
    }
    setDraft(meta);
    setDoc(start);
    setErrors([]);
    setChecked(null);
    if (plan.conflict) setNotice({ kind: 'warn', text: t('cat.conflict') });
    if (plan.push) {
      setSave('local');
      send();
    } else {
      if (!meta) store.clear();
      else remember(start, false);
      setSave(meta ? 'saved' : 'clean');
    }
  };

  useEffect(() => {
    load().catch(setFailure);
    const online = () => {
      if (live.current.dirty) saver.flush();
    };
    window.addEventListener('online', online);
    return () => {
      window.removeEventListener('online', online);
      saver.flush();
    };
  }, []);

  useEffect(() => {
    if (scope === 'national' || !national) return;
    client
      .getJson(`/api/admin/catalog/current?${scopeQuery('national')}`)
      .then((body) => setStandards((body.data?.service_standards || []).map((s) => s.code)))
      .catch(() => {});
  }, [scope, national]);

  const items = useMemo(() => navItems(t, scope, doc), [t, scope, doc]);
  const active = items.find((i) => i.path === selected) || items[0];

  // The inputs on screen, in screen order (what errors can land on).
  useLayoutEffect(() => {
    const nodes = editorRef.current ? [...editorRef.current.querySelectorAll('[data-path]')] : [];
    const paths = nodes.map((n) => n.dataset.path);
    const item = active?.path ?? null;
    if (item !== known.item || paths.join('|') !== known.paths.join('|')) setKnown({ item, paths });
  });

  const own = useMemo(() => errors.filter((e) => active && navOf(items, e.path) === active), [errors, items, active]);
  const loose = useMemo(() => errors.filter((e) => !navOf(items, e.path)), [errors, items]);
  const placed = useMemo(() => placeErrors(own, known.paths), [own, known]);

  // After a check or a publish with errors: the first one's input takes the focus, once the
  // entry it is in is on screen (else the summary at the top does).
  useEffect(() => {
    if (!focusFirst.current || known.item !== (active?.path ?? null)) return;
    const target = placed.first ? document.getElementById(fieldId(placed.first)) : summaryRef.current;
    if (target) {
      // In the middle of the screen: its message under it, clear of the sticky buttons.
      target.focus({ preventScroll: true });
      target.scrollIntoView({ block: 'center' });
    }
    focusFirst.current = false;
  }, [placed, known, active]);

  useEffect(() => {
    if (confirm) confirmRef.current?.focus();
  }, [confirm]);

  useEffect(() => {
    if (notice && focusNotice.current) noticeRef.current?.focus();
    focusNotice.current = false;
  }, [notice]);

  const apply = (next, { structural = false, path = null } = {}) => {
    live.current.doc = next;
    setDoc(next);
    remember(next, true);
    setSave('local');
    setChecked(null);
    if (structural) setErrors([]);
    else if (path) setErrors((list) => list.filter((e) => e.path !== path));
    saver.schedule();
  };
  const ed = {
    t,
    lang,
    doc,
    standards,
    edit: (path, value) => apply(setIn(live.current.doc, path, value), { path: pathString(path) }),
    change: (fn) => apply(fn(live.current.doc), { structural: true }),
    errs: (path) => placed.byPath[pathString(path)],
    errorsUnder: (path) => own.some((e) => isPrefix(path, e.path)),
  };

  const showErrors = (list) => {
    setErrors(list);
    if (!list.length) return;
    focusFirst.current = true;
    const order = (e) => {
      const item = navOf(items, e.path);
      return item ? items.indexOf(item) : -1;
    };
    const first = [...list].sort((a, b) => order(a) - order(b))[0];
    const item = navOf(items, first.path);
    if (item) setSelected(item.path);
  };

  const act = async (work) => {
    setBusy(true);
    setFailure(null);
    setNotice(null);
    try {
      await work();
    } catch (err) {
      setFailure(err);
    } finally {
      setBusy(false);
    }
  };

  const check = () =>
    act(async () => {
      if (!(await flush()) || !live.current.draft) throw Object.assign(new Error('offline'), { name: 'NetworkError' });
      const answer = await client.request(`/api/admin/catalog/drafts/${live.current.draft.id}/check`, { method: 'POST' });
      const list = catalogErrors(answer.errors, lang);
      setChecked(answer.ok ? 'ok' : 'bad');
      showErrors(list);
    });

  const publish = () =>
    act(async () => {
      setConfirm(null);
      if (!(await flush()) || !live.current.draft) throw Object.assign(new Error('offline'), { name: 'NetworkError' });
      if (live.current.mustRebase) {
        setNotice({ kind: 'warn', text: t('cat.stale', { base: live.current.version, current: live.current.draft.base_version }), reapply: true });
        return;
      }
      try {
        const answer = await client.request(`/api/admin/catalog/drafts/${live.current.draft.id}/publish`, { method: 'POST' });
        store.clear();
        live.current.dirty = false;
        await load();
        focusNotice.current = true;
        setNotice({ kind: 'ok', text: t('cat.publishedNow', { version: answer.version }), published: answer.version });
      } catch (err) {
        if (err.code === 'catalog_invalid') {
          setChecked('bad');
          showErrors(errorsFromDetails(err.details, lang));
          throw err;
        }
        if (err.code === 'catalog_draft_stale') {
          focusNotice.current = true;
          setNotice({
            kind: 'warn',
            text: t('cat.stale', { base: err.details?.base_version ?? '?', current: err.details?.current_version ?? '?' }),
            reapply: true,
          });
          return;
        }
        throw err;
      }
    });

  /** This device's changes made again on what is published now, as a new draft (the old one
   * discarded); what meets someone else's change is left out and listed. */
  const reapply = () =>
    act(async () => {
      saver.cancel();
      if (live.current.inflight) await live.current.inflight;
      const old = live.current.draft;
      const current = await client.getJson(`/api/admin/catalog/current?${scopeQuery(scope)}`);
      if (!live.current.base) throw Object.assign(new Error('base unknown'), { serverMessage: t('cat.rebaseUnknown') });
      const { doc: next, skipped } = rebaseDraft(live.current.base, live.current.doc, current.data);
      const fresh = await client.request('/api/admin/catalog/drafts', { method: 'POST', body: { scope, data: next } });
      if (old) client.request(`/api/admin/catalog/drafts/${old.id}`, { method: 'DELETE' }).catch(() => {});
      live.current = { ...live.current, doc: next, draft: { ...fresh, data: undefined }, base: current.data, version: current.version, mustRebase: false };
      setPublished(current);
      setDraft(live.current.draft);
      setDoc(next);
      remember(next, false);
      setSave('saved');
      setErrors([]);
      focusNotice.current = true;
      setNotice(
        skipped.length
          ? { kind: 'warn', text: t('cat.rebasedSkipped', { n: skipped.length }), skipped: skipped.map((c) => c.path) }
          : { kind: 'ok', text: t('cat.rebased') },
      );
    });

  const discard = () =>
    act(async () => {
      setConfirm(null);
      saver.cancel();
      if (live.current.inflight) await live.current.inflight;
      if (live.current.draft) await client.request(`/api/admin/catalog/drafts/${live.current.draft.id}`, { method: 'DELETE' });
      store.clear();
      live.current.dirty = false;
      await load();
      focusNotice.current = true;
      setNotice({ kind: 'ok', text: t('cat.discarded') });
    });

  const exportYaml = () =>
    act(async () => {
      const { blob, filename } = await client.request(`/api/admin/catalog/export?${scopeQuery(scope)}`, { as: 'blob' });
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = filename || `${scope.replace(':', '-')}.yaml`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    });

  const importYaml = (event) => {
    const file = event.currentTarget.files?.[0];
    event.currentTarget.value = '';
    if (!file) return;
    act(async () => {
      const text = await file.text();
      saver.cancel();
      if (live.current.inflight) await live.current.inflight;
      const old = live.current.draft;
      let fresh;
      try {
        fresh = await client.request(`/api/admin/catalog/import?${scopeQuery(scope)}`, { method: 'POST', body: { scope, yaml: text } });
      } catch (err) {
        if (err.code === 'catalog_invalid') showErrors(errorsFromDetails(err.details, lang));
        throw err;
      }
      if (old && old.id !== fresh.id) client.request(`/api/admin/catalog/drafts/${old.id}`, { method: 'DELETE' }).catch(() => {});
      live.current.draft = { ...fresh, data: undefined };
      live.current.doc = fresh.data;
      setDraft(live.current.draft);
      setDoc(fresh.data);
      remember(fresh.data, false);
      setSave('saved');
      setErrors([]);
      setNotice({ kind: 'ok', text: t('cat.imported') });
    });
  };

  const changes = useMemo(() => (published && doc ? diffDocs(published.data, doc) : []), [published, doc]);
  const hasDraft = Boolean(draft) || save === 'local' || save === 'saving';
  const shownItems = filter.trim()
    ? items.filter((i) => `${i.label} ${i.sub || ''}`.toLowerCase().includes(filter.trim().toLowerCase()))
    : items;

  if (!doc) {
    return failure ? (
      <p class="alert alert-bad" role="alert" data-error={failure.code || ''}>
        {errorText(t, failure)}
      </p>
    ) : (
      <p class="muted">{t('loading')}</p>
    );
  }

  let lastGroup = null;
  return (
    <div class="cat-body" data-scope={scope}>
      <div class="card cat-status" data-draft-state={hasDraft ? 'draft' : 'published'} data-save={save}>
        <div class="cat-status-line">
          {hasDraft ? (
            <span class="flag cat-flag-draft" data-flag="draft">
              {t('cat.draft')}
            </span>
          ) : (
            <span class="flag flag-info" data-flag="published">
              {t('cat.published', { version: published?.version ?? '–' })}
            </span>
          )}
          <span class="small" role="status" data-save-text>
            {t(`cat.save.${save}`)}
            {draft?.updated_at && save === 'saved' ? ` ${formatDateTime(lang, draft.updated_at)}` : ''}
          </span>
          <span class="small muted" data-changes={changes.length}>
            {changes.length ? t('cat.changes', { n: changes.length }) : t('cat.noChanges')}
          </span>
        </div>
        <div class="row-actions cat-actions">
          <button type="button" class="btn btn-secondary" disabled={busy || !hasDraft} onClick={check} data-action="check">
            {t('cat.check')}
          </button>
          <button type="button" class="btn btn-primary" disabled={busy || !hasDraft} onClick={() => setConfirm('publish')} data-action="publish">
            {t('cat.publish')}
          </button>
          <button type="button" class="btn btn-bad-outline" disabled={busy || !hasDraft} onClick={() => setConfirm('discard')} data-action="discard">
            {t('cat.discard')}
          </button>
          <button type="button" class="btn btn-quiet" disabled={busy} onClick={exportYaml} data-action="export">
            {t('cat.export')}
          </button>
          <label class="btn btn-quiet cat-upload">
            {t('cat.import')}
            <input ref={fileRef} type="file" class="sr-only" accept=".yaml,.yml,application/yaml,text/yaml" disabled={busy} onChange={importYaml} data-action="import" />
          </label>
        </div>
        {confirm && (
          <div class="alert alert-warn cat-confirm" role="alertdialog" aria-labelledby="cat-confirm-text" data-confirm={confirm}>
            <p id="cat-confirm-text">{confirm === 'publish' ? t('cat.publishConfirm', { n: changes.length }) : t('cat.discardConfirm')}</p>
            {confirm === 'publish' && changes.length > 0 && (
              <ul class="cat-change-list small">
                {changedItems(changes).map((group) => (
                  <li key={group.path}>
                    {labelOf(items, group.path, t)}: {group.changes.map((c) => lastPart(c.path)).join(', ')}
                  </li>
                ))}
              </ul>
            )}
            <div class="row-actions">
              <button ref={confirmRef} type="button" class={confirm === 'publish' ? 'btn btn-primary' : 'btn btn-bad'} onClick={confirm === 'publish' ? publish : discard} data-action={`confirm-${confirm}`}>
                {confirm === 'publish' ? t('cat.publishYes') : t('cat.discard')}
              </button>
              <button type="button" class="btn btn-quiet" onClick={() => setConfirm(null)}>
                {t('cat.cancel')}
              </button>
            </div>
          </div>
        )}
        {notice && (
          <div ref={noticeRef} tabIndex={-1} class={`alert alert-${notice.kind}`} role="status" data-notice={notice.kind} data-published={notice.published ?? ''}>
            <p>{notice.text}</p>
            {notice.skipped && (
              <ul class="small" data-skipped>
                {notice.skipped.map((path) => (
                  <li key={path}>{labelOf(items, path, t)}</li>
                ))}
              </ul>
            )}
            {notice.reapply && (
              <button type="button" class="btn btn-secondary btn-small" onClick={reapply} data-action="reapply">
                {t('cat.reapply')}
              </button>
            )}
            {notice.restart && (
              <button type="button" class="btn btn-bad-outline btn-small" onClick={() => setConfirm('discard')} data-action="restart">
                {t('cat.discard')}
              </button>
            )}
          </div>
        )}
        {failure && !(failure.code === 'catalog_invalid' && errors.length > 0) && (
          <p class="alert alert-bad" role="alert" data-error={failure.code || ''}>
            {errorText(t, failure)}
          </p>
        )}
        {checked === 'ok' && !errors.length && (
          <p class="alert alert-ok" role="status" data-check="ok">
            {t('cat.checkOk')}
          </p>
        )}
        {errors.length > 0 && (
          <div class="alert alert-bad" role="alert" tabIndex={-1} ref={summaryRef} data-check="bad">
            <p>{failure?.code === 'catalog_invalid' ? errorText(t, failure) : t('cat.checkBad', { n: errors.length })}</p>
            {loose.length > 0 && (
              <ul class="small">
                {loose.map((e, i) => (
                  <li key={i} data-loose-error={e.path}>
                    {e.path ? <span class="mono">{e.path}: </span> : null}
                    {e.message}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
      </div>

      <div class="cat-grid">
        <nav class="card cat-nav" aria-label={t('cat.title')}>
          {items.length > 8 && (
            <label class="field small">
              <span>{t('cat.filter')}</span>
              <input type="search" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
            </label>
          )}
          <ul>
            {shownItems.map((item) => {
              const count = errors.filter((e) => navOf(items, e.path) === item).length;
              const heading = item.group && item.group !== lastGroup ? item.group : null;
              lastGroup = item.group || null;
              return (
                <li key={item.path}>
                  {heading && <p class="cat-nav-group">{heading}</p>}
                  <button
                    type="button"
                    class="cat-nav-item"
                    aria-current={item === active ? 'true' : undefined}
                    onClick={() => setSelected(item.path)}
                    data-nav-item={item.path}
                    data-nav-code={item.sub || ''}
                  >
                    <span>{item.label}</span>
                    {item.sub && <span class="muted small mono block">{item.sub}</span>}
                    {count > 0 && (
                      <span class="cat-nav-errors" data-errors={count}>
                        {t('cat.errorsIn', { n: count })}
                      </span>
                    )}
                  </button>
                </li>
              );
            })}
          </ul>
          {scope === 'national' && (
            <button
              type="button"
              class="btn btn-quiet btn-small"
              onClick={() => {
                const n = (live.current.doc.service_standards || []).length;
                ed.change((d) => insertAt(d, 'service_standards', newStandard()));
                setSelected(`service_standards[${n}]`);
              }}
            >
              + {t('cat.standard')}
            </button>
          )}
          {scope !== 'national' && (
            <button
              type="button"
              class="btn btn-quiet btn-small"
              onClick={() => {
                const n = (live.current.doc.mpp?.agencies || []).length;
                ed.change((d) => insertAt(d, 'mpp.agencies', { code: '', kind: '', name: '', services: [] }));
                setSelected(`mpp.agencies[${n}]`);
              }}
            >
              + {t('cat.addAgency')}
            </button>
          )}
        </nav>
        <div class="card cat-editor" ref={editorRef} data-editing={active?.path || ''}>
          {placed.general.length > 0 && (
            <ul class="cat-error-list" data-general-errors>
              {placed.general.map((e, i) => (
                <li key={i} class="cat-error">
                  {e.message}
                </li>
              ))}
            </ul>
          )}
          {active && <ItemEditor ed={ed} item={active} scope={scope} />}
        </div>
      </div>
    </div>
  );
}

function labelOf(items, path, t) {
  const item = navOf(items, path);
  if (!item) return path;
  const rest = pathString(parsePath(path).slice(parsePath(item.path).length));
  return rest ? `${item.label} · ${rest}` : item.label;
}

function lastPart(path) {
  const parts = parsePath(path);
  const names = parts.filter((p) => typeof p === 'string');
  return names.length ? names[names.length - 1] : pathString(parts);
}

function newStandard() {
  return {
    code: '',
    agency_kind: '',
    name_id: '',
    name_en: '',
    description_id: '',
    description_en: '',
    procedure: [{ id: '', en: '' }],
    sla_days: 0,
    fee: 0,
    product_id: '',
    product_en: '',
    delivery: 'pickup',
    fields: [],
    requirements: [],
  };
}

// ---------------------------------------------------------------------------------------
// Inputs: each knows its path, its id (from the path) and shows the errors placed on it.

function convert(kind, text, required) {
  if (kind === 'int') return integerValue(text);
  if (kind === 'nullint') return integerValue(text) ?? null;
  if (kind === 'number') return numberValue(text);
  if (required) return text;
  return optionalText(text);
}

function Field({ ed, path, label, kind = 'text', required = false, hint, options, readOnly = false, wide = false, type }) {
  const p = pathString(path);
  const id = fieldId(p);
  const value = getIn(ed.doc, p);
  const messages = ed.errs(p);
  const errId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [messages ? errId : null, hint ? hintId : null].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    'data-path': p,
    'aria-invalid': messages ? 'true' : undefined,
    'aria-describedby': describedBy,
    readOnly,
  };
  let control;
  if (kind === 'bool') {
    return (
      <div class={`cat-field cat-check${wide ? ' cat-wide' : ''}`}>
        <label>
          <input type="checkbox" {...common} checked={Boolean(value)} onChange={(e) => ed.edit(p, e.currentTarget.checked)} /> {label}
        </label>
        {messages && (
          <p id={errId} class="cat-error">
            {messages.join(' ')}
          </p>
        )}
      </div>
    );
  }
  if (kind === 'select') {
    const known = options.some((o) => o.value === inputText(value));
    control = (
      <select {...common} value={inputText(value)} disabled={readOnly} onChange={(e) => ed.edit(p, e.currentTarget.value === '' && !required ? undefined : e.currentTarget.value)}>
        {!known && <option value={inputText(value)}>{inputText(value) || ed.t('cat.none')}</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    );
  } else if (kind === 'textarea') {
    control = <textarea {...common} rows={3} value={inputText(value)} onInput={(e) => ed.edit(p, convert('text', e.currentTarget.value, required))} />;
  } else {
    const numeric = kind === 'int' || kind === 'nullint' || kind === 'number';
    control = (
      <input
        {...common}
        type={type || 'text'}
        inputMode={numeric ? (kind === 'number' ? 'decimal' : 'numeric') : undefined}
        value={inputText(value)}
        list={kind === 'standard' ? 'cat-standards' : undefined}
        autocapitalize={type ? undefined : 'off'}
        spellcheck={false}
        onInput={(e) => ed.edit(p, convert(kind, e.currentTarget.value, required))}
      />
    );
  }
  return (
    <div class={`cat-field${wide ? ' cat-wide' : ''}${messages ? ' cat-invalid' : ''}`}>
      <label for={id}>
        {label}
        {!required && !readOnly && <span class="muted small"> ({ed.t('cat.optional')})</span>}
      </label>
      {control}
      {hint && (
        <p id={hintId} class="muted small">
          {hint}
        </p>
      )}
      {messages && (
        <p id={errId} class="cat-error">
          {messages.join(' ')}
        </p>
      )}
    </div>
  );
}

/** A set of checkboxes editing a list of codes (days, formats, a counter's services). */
function Checks({ ed, path, label, options, allLabel, allByDefault = false }) {
  const p = pathString(path);
  const value = getIn(ed.doc, p);
  const messages = ed.errs(p);
  const id = fieldId(p);
  const chosen = Array.isArray(value) ? value : null;
  const toggle = (code, on) => {
    const base = chosen ?? (allLabel || allByDefault ? options.map((o) => o.value) : []);
    const next = on ? options.map((o) => o.value).filter((c) => c === code || base.includes(c)) : base.filter((c) => c !== code);
    ed.edit(p, next);
  };
  return (
    <fieldset class={`cat-field cat-checks cat-wide${messages ? ' cat-invalid' : ''}`} id={id} data-path={p} tabIndex={-1} aria-describedby={messages ? `${id}-error` : undefined}>
      <legend>{label}</legend>
      {allLabel && (
        <label>
          <input type="checkbox" checked={chosen === null} onChange={(e) => ed.edit(p, e.currentTarget.checked ? undefined : options.map((o) => o.value))} /> {allLabel}
        </label>
      )}
      {options.map((o) => (
        <label key={o.value}>
          <input type="checkbox" checked={chosen === null ? Boolean(allLabel) || allByDefault : chosen.includes(o.value)} disabled={chosen === null && Boolean(allLabel)} onChange={(e) => toggle(o.value, e.currentTarget.checked)} /> {o.label}
        </label>
      ))}
      {messages && (
        <p id={`${id}-error`} class="cat-error">
          {messages.join(' ')}
        </p>
      )}
    </fieldset>
  );
}

/** A list of items, each in its own group with up / down / remove, and an add button. */
function ItemList({ ed, path, what, title, make, addLabel, children, removeLabel, removeHint, reorder = true }) {
  const p = pathString(path);
  const list = getIn(ed.doc, p) || [];
  const messages = ed.errs(p);
  const id = fieldId(p);
  return (
    <section class="cat-list" id={id} data-path={p} tabIndex={-1} aria-label={what}>
      {messages && <p class="cat-error">{messages.join(' ')}</p>}
      {list.map((item, i) => {
        const ip = `${p}[${i}]`;
        const name = title(item, i) || ed.t('cat.item', { what, n: i + 1 });
        const itemErrors = ed.errs(ip);
        return (
          <fieldset key={i} class={`cat-group${itemErrors ? ' cat-invalid' : ''}`} id={fieldId(ip)} data-path={ip} tabIndex={-1} data-item={item?.code || item?.key || item?.date || i}>
            <legend>{name}</legend>
            <div class="cat-group-tools">
              {reorder && (
                <>
                  <button type="button" class="btn btn-quiet btn-small" disabled={i === 0} aria-label={`${ed.t('cat.up')}: ${name}`} onClick={() => ed.change((d) => moveItem(d, p, i, i - 1))}>
                    ↑
                  </button>
                  <button type="button" class="btn btn-quiet btn-small" disabled={i === list.length - 1} aria-label={`${ed.t('cat.down')}: ${name}`} onClick={() => ed.change((d) => moveItem(d, p, i, i + 1))}>
                    ↓
                  </button>
                </>
              )}
              <button type="button" class="btn btn-bad-outline btn-small" aria-label={`${removeLabel || ed.t('cat.remove')}: ${name}`} title={removeHint} onClick={() => ed.change((d) => removeAt(d, p, i))} data-action="remove-item">
                {removeLabel || ed.t('cat.remove')}
              </button>
            </div>
            {itemErrors && <p class="cat-error">{itemErrors.join(' ')}</p>}
            <div class="cat-fields">{children(ip, item, i)}</div>
          </fieldset>
        );
      })}
      <button type="button" class="btn btn-secondary btn-small" onClick={() => ed.change((d) => insertAt(d, p, make()))} data-action={`add-${lastPart(p)}`}>
        + {addLabel}
      </button>
    </section>
  );
}

/** A part of a long editor that folds away; open while an error is in it. */
function Section({ ed, path, title, count, open = false, children }) {
  const bad = ed.errorsUnder(path);
  return (
    <details class="cat-section" open={open || bad}>
      <summary>
        <h3 class="cat-sub">
          {title} <span class="muted small">({count})</span>
        </h3>
      </summary>
      {children}
    </details>
  );
}

// ---------------------------------------------------------------------------------------
// What each nav entry edits

function ItemEditor({ ed, item, scope }) {
  if (scope === 'national') {
    if (item.path === 'document_types') return <DocumentTypes ed={ed} />;
    if (item.path === 'holidays') return <Holidays ed={ed} path="holidays" national />;
    return <Standard ed={ed} path={item.path} />;
  }
  if (item.path === 'mpp') return <MppDetails ed={ed} />;
  if (item.path === 'mpp.visits') return <Visits ed={ed} />;
  if (item.path === 'mpp.visits.counters') return <Counters ed={ed} />;
  if (item.path === 'mpp.holidays') return <Holidays ed={ed} path="mpp.holidays" />;
  return <Agency ed={ed} path={item.path} key={item.path} />;
}

function MppDetails({ ed }) {
  const { t } = ed;
  const f = (key, extra = {}) => <Field ed={ed} path={`mpp.${key}`} label={t(`cat.f.${key}`)} {...extra} />;
  return (
    <div>
      <h2>{t('cat.sec.mpp')}</h2>
      <div class="cat-fields">
        {f('code', { required: true, readOnly: true })}
        {f('name', { required: true, wide: true })}
        {f('city', { required: true })}
        {f('province', { required: true })}
        {f('address', { wide: true })}
        {f('status', { required: true, kind: 'select', options: ['open', 'preparing'].map((s) => ({ value: s, label: t(`cat.status.${s}`) })) })}
        {f('opened_on', { type: 'date' })}
        {f('ref_prefix', { required: true })}
        {f('hours_id', { wide: true })}
        {f('hours_en', { wide: true })}
      </div>
    </div>
  );
}

function Agency({ ed, path }) {
  const { t } = ed;
  const agency = getIn(ed.doc, path) || {};
  return (
    <div>
      <h2>{agency.name || t('cat.agency')}</h2>
      <div class="cat-fields">
        <Field ed={ed} path={`${path}.code`} label={t('cat.f.code')} required />
        <Field ed={ed} path={`${path}.kind`} label={t('cat.f.kind')} required />
        <Field ed={ed} path={`${path}.name`} label={t('cat.f.name')} required wide />
        <Field ed={ed} path={`${path}.counter`} label={t('cat.f.counter')} />
      </div>
      <h3 class="cat-sub">{t('cat.offerings')}</h3>
      <p class="muted small">{t('cat.retireHint')}</p>
      {ed.standards.length > 0 && (
        <datalist id="cat-standards">
          {ed.standards.map((code) => (
            <option key={code} value={code} />
          ))}
        </datalist>
      )}
      <ItemList
        ed={ed}
        path={`${path}.services`}
        what={t('cat.offering')}
        title={(o) => o.standard}
        make={() => ({ standard: '' })}
        addLabel={t('cat.addOffering')}
        removeLabel={t('cat.retire')}
        removeHint={t('cat.retireHint')}
        reorder={false}
      >
        {(ip) => (
          <>
            <Field ed={ed} path={`${ip}.standard`} label={t('cat.f.standard')} required kind="standard" wide />
            <Field ed={ed} path={`${ip}.sla_days`} label={t('cat.f.sla_days')} kind="int" hint={t('cat.overrideHint')} />
            <Field ed={ed} path={`${ip}.fee`} label={t('cat.f.fee')} kind="int" />
            <Field ed={ed} path={`${ip}.visit_minutes`} label={t('cat.f.visit_minutes')} kind="int" />
            <Field ed={ed} path={`${ip}.fee_note_id`} label={t('cat.f.fee_note_id')} />
            <Field ed={ed} path={`${ip}.fee_note_en`} label={t('cat.f.fee_note_en')} />
          </>
        )}
      </ItemList>
    </div>
  );
}

function Visits({ ed }) {
  const { t } = ed;
  const visits = getIn(ed.doc, 'mpp.visits');
  if (!visits) {
    return (
      <div>
        <h2>{t('cat.sec.visits')}</h2>
        <p class="muted">{t('cat.visitsNone')}</p>
        <button
          type="button"
          class="btn btn-secondary"
          onClick={() =>
            ed.change((d) =>
              setIn(d, 'mpp.visits', {
                slot_minutes: 30,
                hours: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], open: '08:00', close: '16:00', breaks: [] }],
                counters: [],
              }),
            )
          }
        >
          {t('cat.visitsStart')}
        </button>
      </div>
    );
  }
  const days = WEEKDAYS.map((d) => ({ value: d, label: t(`cat.day.${d}`) }));
  return (
    <div>
      <h2>{t('cat.sec.visits')}</h2>
      <div class="cat-fields">
        <Field ed={ed} path="mpp.visits.slot_minutes" label={t('cat.f.slot_minutes')} kind="int" />
        <Field ed={ed} path="mpp.visits.max_open_bookings" label={t('cat.f.max_open_bookings')} kind="int" />
        <Field ed={ed} path="mpp.visits.booking_window.min_days" label={t('cat.f.min_days')} kind="int" />
        <Field ed={ed} path="mpp.visits.booking_window.max_days" label={t('cat.f.max_days')} kind="int" />
        <Field ed={ed} path="mpp.visits.cancel_hold_minutes" label={t('cat.f.cancel_hold_minutes')} kind="int" />
      </div>
      {ed.errs('mpp.visits.booking_window') && <p class="cat-error" id={fieldId('mpp.visits.booking_window')} data-path="mpp.visits.booking_window" tabIndex={-1}>{ed.errs('mpp.visits.booking_window').join(' ')}</p>}
      <h3 class="cat-sub">{t('cat.hours')}</h3>
      <ItemList
        ed={ed}
        path="mpp.visits.hours"
        what={t('cat.hoursEntry')}
        title={(h) => (h.days || []).map((d) => t(`cat.day.${d}`)).join(', ')}
        make={() => ({ days: [], open: '08:00', close: '16:00', breaks: [] })}
        addLabel={t('cat.addHours')}
      >
        {(ip) => (
          <>
            <Checks ed={ed} path={`${ip}.days`} label={t('cat.f.days')} options={days} />
            <Field ed={ed} path={`${ip}.open`} label={t('cat.f.open')} type="time" required />
            <Field ed={ed} path={`${ip}.close`} label={t('cat.f.close')} type="time" required />
            <div class="cat-wide">
              <ItemList ed={ed} path={`${ip}.breaks`} what={t('cat.break')} title={(b) => `${b.start || ''}–${b.end || ''}`} make={() => ({ start: '12:00', end: '13:00' })} addLabel={t('cat.addBreak')} reorder={false}>
                {(bp) => (
                  <>
                    <Field ed={ed} path={`${bp}.start`} label={t('cat.f.start')} type="time" required />
                    <Field ed={ed} path={`${bp}.end`} label={t('cat.f.end')} type="time" required />
                  </>
                )}
              </ItemList>
            </div>
          </>
        )}
      </ItemList>
    </div>
  );
}

function Counters({ ed }) {
  const { t } = ed;
  const agencies = getIn(ed.doc, 'mpp.agencies') || [];
  if (!getIn(ed.doc, 'mpp.visits')) {
    return (
      <div>
        <h2>{t('cat.sec.counters')}</h2>
        <p class="muted">{t('cat.visitsNone')}</p>
      </div>
    );
  }
  return (
    <div>
      <h2>{t('cat.sec.counters')}</h2>
      <ItemList
        ed={ed}
        path="mpp.visits.counters"
        what={t('cat.counter')}
        title={(c) => c.name || c.code}
        make={() => ({ code: '', name: '', agency: agencies[0]?.code || '', desks: 1, share: { online: 50, walk_in: 40, assisted: 10 } })}
        addLabel={t('cat.addCounter')}
      >
        {(ip, counter) => {
          const offered = (agencies.find((a) => a.code === counter.agency)?.services || []).map((o) => ({ value: o.standard, label: o.standard }));
          return (
            <>
              <Field ed={ed} path={`${ip}.code`} label={t('cat.f.code')} required />
              <Field ed={ed} path={`${ip}.name`} label={t('cat.f.name')} required />
              <Field ed={ed} path={`${ip}.agency`} label={t('cat.f.agency')} required kind="select" options={agencies.map((a) => ({ value: a.code, label: a.name || a.code }))} />
              <Field ed={ed} path={`${ip}.desks`} label={t('cat.f.desks')} kind="int" />
              <fieldset class="cat-field cat-wide cat-share" id={fieldId(`${ip}.share`)} data-path={`${ip}.share`} tabIndex={-1}>
                <legend>{t('cat.share')}</legend>
                {ed.errs(`${ip}.share`) && <p class="cat-error">{ed.errs(`${ip}.share`).join(' ')}</p>}
                <div class="cat-fields">
                  <Field ed={ed} path={`${ip}.share.online`} label={t('cat.f.online')} kind="int" required />
                  <Field ed={ed} path={`${ip}.share.walk_in`} label={t('cat.f.walk_in')} kind="int" required />
                  <Field ed={ed} path={`${ip}.share.assisted`} label={t('cat.f.assisted')} kind="int" required />
                </div>
              </fieldset>
              <Checks ed={ed} path={`${ip}.services`} label={t('cat.f.services')} options={offered} allLabel={t('cat.allServices')} />
            </>
          );
        }}
      </ItemList>
    </div>
  );
}

function Holidays({ ed, path, national = false }) {
  const { t } = ed;
  return (
    <div>
      <h2>{national ? t('cat.sec.nationalHolidays') : t('cat.sec.holidays')}</h2>
      <ItemList
        ed={ed}
        path={path}
        what={t('cat.holiday')}
        title={(h) => [h.date, h.name_id].filter(Boolean).join(' · ')}
        make={() => (national ? { date: '', kind: 'national', name_id: '', name_en: '' } : { date: '', name_id: '', name_en: '' })}
        addLabel={t('cat.addHoliday')}
        reorder={false}
      >
        {(ip) => (
          <>
            <Field ed={ed} path={`${ip}.date`} label={t('cat.f.date')} type="date" required />
            {national && <Field ed={ed} path={`${ip}.kind`} label={t('cat.f.holidayKind')} required kind="select" options={['national', 'cuti_bersama'].map((k) => ({ value: k, label: t(`cat.kind.${k}`) }))} />}
            <Field ed={ed} path={`${ip}.name_id`} label={t('cat.f.name_id')} required />
            <Field ed={ed} path={`${ip}.name_en`} label={t('cat.f.name_en')} required />
          </>
        )}
      </ItemList>
    </div>
  );
}

function DocumentTypes({ ed }) {
  const { t } = ed;
  return (
    <div>
      <h2>{t('cat.sec.documentTypes')}</h2>
      <p class="muted small">{t('cat.documentTypeRemoveHint')}</p>
      <ItemList ed={ed} path="document_types" what={t('cat.documentType')} title={(d) => d.name_id || d.code} make={() => ({ code: '', name_id: '', name_en: '', validity_days: null })} addLabel={t('cat.addDocumentType')} reorder={false}>
        {(ip) => (
          <>
            <Field ed={ed} path={`${ip}.code`} label={t('cat.f.code')} required />
            <Field ed={ed} path={`${ip}.validity_days`} label={t('cat.f.validity_days')} kind="nullint" hint={t('cat.validityHint')} />
            <Field ed={ed} path={`${ip}.name_id`} label={t('cat.f.name_id')} required />
            <Field ed={ed} path={`${ip}.name_en`} label={t('cat.f.name_en')} required />
          </>
        )}
      </ItemList>
    </div>
  );
}

function Standard({ ed, path }) {
  const { t, lang } = ed;
  const std = getIn(ed.doc, path) || {};
  const f = (key, extra = {}) => <Field ed={ed} path={`${path}.${key}`} label={t(`cat.f.${key}`)} {...extra} />;
  const docTypes = (getIn(ed.doc, 'document_types') || []).map((d) => ({ value: d.code, label: `${lang === 'en' ? d.name_en || d.name_id : d.name_id || d.name_en} (${d.code})` }));
  const formats = FORMATS.map((x) => ({ value: x, label: x.toUpperCase() }));
  return (
    <div>
      <h2>{std.name_id || t('cat.standard')}</h2>
      <div class="cat-fields">
        {f('code', { required: true })}
        {f('agency_kind', { required: true })}
        {f('name_id', { required: true, wide: true })}
        {f('name_en', { required: true, wide: true })}
        {f('description_id', { required: true, wide: true, kind: 'textarea' })}
        {f('description_en', { required: true, wide: true, kind: 'textarea' })}
        {f('sla_days', { required: true, kind: 'int' })}
        {f('fee', { required: true, kind: 'int' })}
        {f('fee_note_id')}
        {f('fee_note_en')}
        {f('product_id', { required: true })}
        {f('product_en', { required: true })}
        {f('delivery', { required: true, kind: 'select', options: ['pickup', 'digital'].map((d) => ({ value: d, label: t(`cat.delivery.${d}`) })) })}
        {f('visit_after', { kind: 'select', options: [{ value: '', label: t('cat.visitAfter.ready') }, { value: 'accepted', label: t('cat.visitAfter.accepted') }] })}
        {f('visit_minutes', { kind: 'int' })}
        {f('legal_basis')}
      </div>
      <p class="muted small cat-bring">{t('cat.bringHint')}</p>

      <Section ed={ed} path={`${path}.requirements`} title={t('cat.requirements')} count={(std.requirements || []).length} open>
      <ItemList
        ed={ed}
        path={`${path}.requirements`}
        what={t('cat.requirement')}
        title={(r) => r.title_id || r.code}
        make={() => ({ code: '', document_type: '', title_id: '', title_en: '', required: true, formats: [...FORMATS] })}
        addLabel={t('cat.addRequirement')}
      >
        {(ip) => (
          <>
            <Field ed={ed} path={`${ip}.code`} label={t('cat.f.code')} required />
            <Field ed={ed} path={`${ip}.document_type`} label={t('cat.f.document_type')} required kind={docTypes.length ? 'select' : 'text'} options={docTypes} />
            <Field ed={ed} path={`${ip}.title_id`} label={t('cat.f.title_id')} required />
            <Field ed={ed} path={`${ip}.title_en`} label={t('cat.f.title_en')} required />
            <Field ed={ed} path={`${ip}.required`} label={t('cat.f.required')} kind="bool" />
            <Checks ed={ed} path={`${ip}.formats`} label={t('cat.f.formats')} options={formats} allByDefault />
            <Field ed={ed} path={`${ip}.notes_id`} label={t('cat.f.notes_id')} kind="textarea" />
            <Field ed={ed} path={`${ip}.notes_en`} label={t('cat.f.notes_en')} kind="textarea" />
          </>
        )}
      </ItemList>
      </Section>

      <Section ed={ed} path={`${path}.fields`} title={t('cat.fields')} count={(std.fields || []).length}>
      <ItemList ed={ed} path={`${path}.fields`} what={t('cat.field')} title={(x) => x.label_id || x.key} make={() => ({ key: '', type: 'text', label_id: '', label_en: '', required: false })} addLabel={t('cat.addField')}>
        {(ip, field) => (
          <>
            <Field ed={ed} path={`${ip}.key`} label={t('cat.f.key')} required />
            <Field ed={ed} path={`${ip}.type`} label={t('cat.f.type')} required kind="select" options={FIELD_TYPES.map((x) => ({ value: x, label: x }))} />
            <Field ed={ed} path={`${ip}.label_id`} label={t('cat.f.label_id')} required />
            <Field ed={ed} path={`${ip}.label_en`} label={t('cat.f.label_en')} required />
            <Field ed={ed} path={`${ip}.required`} label={t('cat.f.required')} kind="bool" />
            <Field ed={ed} path={`${ip}.profile_key`} label={t('cat.f.profile_key')} kind="select" options={[{ value: '', label: t('cat.noProfile') }, ...PROFILE_KEYS.map((x) => ({ value: x, label: x }))]} />
            <Field ed={ed} path={`${ip}.help_id`} label={t('cat.f.help_id')} />
            <Field ed={ed} path={`${ip}.help_en`} label={t('cat.f.help_en')} />
            <Field ed={ed} path={`${ip}.min_length`} label={t('cat.f.min_length')} kind="int" />
            <Field ed={ed} path={`${ip}.max_length`} label={t('cat.f.max_length')} kind="int" />
            <Field ed={ed} path={`${ip}.pattern`} label={t('cat.f.pattern')} />
            {field.type === 'number' && <Field ed={ed} path={`${ip}.min`} label={t('cat.f.min')} kind="number" />}
            {field.type === 'number' && <Field ed={ed} path={`${ip}.max`} label={t('cat.f.max')} kind="number" />}
            {(field.type === 'choice' || field.choices) && (
              <div class="cat-wide">
                <ItemList ed={ed} path={`${ip}.choices`} what={t('cat.choice')} title={(c) => c.label_id || c.value} make={() => ({ value: '', label_id: '', label_en: '' })} addLabel={t('cat.addChoice')}>
                  {(cp) => (
                    <>
                      <Field ed={ed} path={`${cp}.value`} label={t('cat.f.value')} required />
                      <Field ed={ed} path={`${cp}.label_id`} label={t('cat.f.label_id')} required />
                      <Field ed={ed} path={`${cp}.label_en`} label={t('cat.f.label_en')} required />
                    </>
                  )}
                </ItemList>
              </div>
            )}
          </>
        )}
      </ItemList>
      </Section>

      <Section ed={ed} path={`${path}.procedure`} title={t('cat.procedure')} count={(std.procedure || []).length}>
      <ItemList ed={ed} path={`${path}.procedure`} what={t('cat.step')} title={(s, i) => `${t('cat.step')} ${i + 1}`} make={() => ({ id: '', en: '' })} addLabel={t('cat.addStep')}>
        {(ip) => (
          <>
            <Field ed={ed} path={`${ip}.id`} label={t('cat.f.step_id')} required wide />
            <Field ed={ed} path={`${ip}.en`} label={t('cat.f.step_en')} required wide />
          </>
        )}
      </ItemList>
      </Section>
    </div>
  );
}
