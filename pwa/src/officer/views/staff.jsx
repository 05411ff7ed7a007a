// Staff administration (issue #18): a supervisor (or admin) creates officers, sets their role,
// agency and counter, disables them and resets a password (a temporary one, shown once; the
// officer sets their own at the next sign-in, SetPassword below); the audit log browser.
// What may be done to whom is the server's rule (server/staff): refusals come back as its
// message, in the officer's language.

import { useEffect, useState } from 'preact/hooks';
import { formatDateTime } from '../../format.js';
import { errorText } from '../i18n.js';
import './ops.css';

export const STAFF_HASH = '#/petugas';
export const AUDIT_HASH = '#/audit';
export const DASH_HASH = '#/dasbor';

/** Which of this screens a hash names, or null. */
export function opsRoute(hash) {
  const path = String(hash || '').replace(/\/$/, '');
  if (path === DASH_HASH) return 'dashboard';
  if (path === STAFF_HASH) return 'staff';
  if (path === AUDIT_HASH) return 'audit';
  return null;
}

const EMPTY = { username: '', full_name: '', role: 'verifier', mpp: '', agency: '', counter: '' };

function TemporaryPassword({ t, shown, onDone }) {
  return (
    <div class="alert alert-ok temp-password" role="status" data-temporary-for={shown.officer.username}>
      <p>{t('staff.tempIntro', { username: shown.officer.username })}</p>
      <p class="mono temp-value" data-temporary-password>
        {shown.temporary_password}
      </p>
      <p class="small">{t('staff.tempOnce')}</p>
      <button type="button" class="btn btn-secondary btn-small" onClick={onDone}>
        {t('staff.tempDone')}
      </button>
    </div>
  );
}

export function Staff({ t, lang, client, me }) {
  const [list, setList] = useState(null);
  const [form, setForm] = useState(EMPTY);
  const [error, setError] = useState(null);
  const [shown, setShown] = useState(null);
  const [busy, setBusy] = useState(false);
  const [editing, setEditing] = useState(null);

  const load = async () => {
    try {
      setList(await client.getJson('/api/staff/officers'));
    } catch (err) {
      setError(err);
    }
  };
  useEffect(() => {
    load();
  }, []);

  // A national admin reaches every MPP and names the new officer's (an admin without one is
  // national); everyone else has their own MPP only, which the server applies.
  const mpps = list?.mpps || [];
  const choosesMpp = mpps.length > 1;
  const mppOf = (code) => mpps.find((m) => m.code === code) || (choosesMpp ? null : mpps[0]);
  const agenciesOf = (code) => mppOf(code)?.agencies || [];
  const agencies = agenciesOf(form.mpp);
  const counters = (code, mppCode = form.mpp) => agenciesOf(mppCode).find((a) => a.code === code)?.counters || [];
  const allCounters = agencies.flatMap((a) => a.counters);
  const countersOf = (o) => (o.role === 'verifier' ? counters(o.agency, o.mpp) : agenciesOf(o.mpp).flatMap((a) => a.counters));

  const run = async (work) => {
    setBusy(true);
    setError(null);
    try {
      await work();
      await load();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const create = (event) => {
    event.preventDefault();
    run(async () => {
      const body = { username: form.username.trim(), full_name: form.full_name.trim(), role: form.role };
      if (choosesMpp) body.mpp = form.mpp || null;
      if (form.role === 'verifier') body.agency = form.agency || null;
      if (form.counter) body.counter = form.counter;
      setShown(await client.request('/api/staff/officers', { method: 'POST', body }));
      setForm(EMPTY);
    });
  };
  const patch = (officer, body) => run(() => client.request(`/api/staff/officers/${officer.id}`, { method: 'PATCH', body }));
  const reset = (officer) =>
    run(async () => {
      setShown(await client.request(`/api/staff/officers/${officer.id}/reset-password`, { method: 'POST' }));
    });

  return (
    <section class="ops" aria-labelledby="staff-title">
      <div class="ops-head">
        <h1 id="staff-title">{t('staff.title')}</h1>
        <a href={AUDIT_HASH} class="btn btn-quiet">
          {t('nav.audit')}
        </a>
      </div>
      {error && (
        <p class="alert alert-bad" role="alert" data-error={error.code || ''}>
          {errorText(t, error)}
        </p>
      )}
      {shown && <TemporaryPassword t={t} shown={shown} onDone={() => setShown(null)} />}
      <div class="staff-grid">
        <form class="card stack" onSubmit={create} aria-labelledby="staff-new">
          <h2 id="staff-new" class="section-title">
            {t('staff.new')}
          </h2>
          <label class="field">
            <span>{t('staff.username')}</span>
            <input id="staff-username" required autocapitalize="none" spellcheck={false} pattern="[a-z0-9._\-]{3,60}" value={form.username} onInput={(e) => setForm({ ...form, username: e.currentTarget.value })} />
            <span class="muted small">{t('staff.usernameHint')}</span>
          </label>
          <label class="field">
            <span>{t('staff.fullName')}</span>
            <input id="staff-full-name" required value={form.full_name} onInput={(e) => setForm({ ...form, full_name: e.currentTarget.value })} />
          </label>
          <label class="field">
            <span>{t('staff.role')}</span>
            <select id="staff-role" value={form.role} onChange={(e) => setForm({ ...form, role: e.currentTarget.value, agency: '', counter: '' })}>
              {(list?.roles || ['verifier']).map((r) => (
                <option value={r} key={r}>
                  {t(`role.${r}`)}
                </option>
              ))}
            </select>
          </label>
          {choosesMpp && (
            <label class="field">
              <span>{t('staff.mpp')}</span>
              <select id="staff-mpp" required={form.role !== 'admin'} value={form.mpp} onChange={(e) => setForm({ ...form, mpp: e.currentTarget.value, agency: '', counter: '' })}>
                <option value="">{form.role === 'admin' ? t('staff.national') : t('staff.chooseMpp')}</option>
                {mpps.map((m) => (
                  <option value={m.code} key={m.code}>
                    {m.name}
                  </option>
                ))}
              </select>
            </label>
          )}
          {form.role === 'verifier' && (
            <label class="field">
              <span>{t('staff.agency')}</span>
              <select id="staff-agency" required value={form.agency} onChange={(e) => setForm({ ...form, agency: e.currentTarget.value, counter: '' })}>
                <option value="">{t('staff.choose')}</option>
                {agencies.map((a) => (
                  <option value={a.code} key={a.code}>
                    {a.name}
                  </option>
                ))}
              </select>
            </label>
          )}
          {form.role !== 'admin' && (
            <label class="field">
              <span>{t('staff.counter')}</span>
              <select id="staff-counter" value={form.counter} onChange={(e) => setForm({ ...form, counter: e.currentTarget.value })}>
                <option value="">{t('staff.noCounter')}</option>
                {(form.role === 'verifier' ? counters(form.agency) : allCounters).map((c) => (
                  <option value={c.code} key={c.code}>
                    {c.name}
                  </option>
                ))}
              </select>
            </label>
          )}
          <button type="submit" class="btn btn-primary" disabled={busy} data-action="create-officer">
            {t('staff.create')}
          </button>
        </form>

        <section class="card ops-table" aria-labelledby="staff-list">
          <h2 id="staff-list" class="section-title">
            {t('staff.list')}
          </h2>
          {!list ? (
            <p class="muted">{t('loading')}</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('staff.officer')}</th>
                  <th scope="col">{t('staff.role')}</th>
                  <th scope="col">{t('staff.agency')}</th>
                  <th scope="col">{t('staff.counter')}</th>
                  <th scope="col">
                    <span class="sr-only">{t('staff.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.items.map((o) => (
                  <tr key={o.id} data-officer-row={o.username} class={o.disabled ? 'row-disabled' : ''}>
                    <th scope="row">
                      {o.full_name}
                      <span class="muted small block mono">{o.username}</span>
                      {o.disabled && <span class="flag">{t('staff.disabled')}</span>}
                      {o.must_change_password && !o.disabled && <span class="flag flag-info">{t('staff.mustChange')}</span>}
                    </th>
                    <td>
                      {editing === o.id ? (
                        <select aria-label={t('staff.role')} value={o.role} onChange={(e) => patch(o, { role: e.currentTarget.value, ...(e.currentTarget.value === 'verifier' ? { agency: agencies[0]?.code } : {}) })}>
                          {list.roles.map((r) => (
                            <option value={r} key={r}>
                              {t(`role.${r}`)}
                            </option>
                          ))}
                        </select>
                      ) : (
                        t(`role.${o.role}`)
                      )}
                    </td>
                    <td>
                      {editing === o.id && o.role === 'verifier' ? (
                        <select aria-label={t('staff.agency')} value={o.agency || ''} onChange={(e) => patch(o, { agency: e.currentTarget.value })}>
                          {agenciesOf(o.mpp).map((a) => (
                            <option value={a.code} key={a.code}>
                              {a.name}
                            </option>
                          ))}
                        </select>
                      ) : (
                        o.agency_name || '–'
                      )}
                    </td>
                    <td>
                      {editing === o.id && o.role !== 'admin' ? (
                        <select aria-label={t('staff.counter')} value={o.counter || ''} onChange={(e) => patch(o, { counter: e.currentTarget.value || null })}>
                          <option value="">{t('staff.noCounter')}</option>
                          {countersOf(o).map((c) => (
                            <option value={c.code} key={c.code}>
                              {c.name}
                            </option>
                          ))}
                        </select>
                      ) : (
                        countersOf(o).find((c) => c.code === o.counter)?.name || '–'
                      )}
                    </td>
                    <td class="row-actions">
                      <button type="button" class="btn btn-quiet btn-small" onClick={() => setEditing(editing === o.id ? null : o.id)} aria-expanded={editing === o.id}>
                        {editing === o.id ? t('staff.done') : t('staff.edit')}
                      </button>
                      <button type="button" class="btn btn-quiet btn-small" disabled={busy} onClick={() => reset(o)} data-action="reset">
                        {t('staff.reset')}
                      </button>
                      <button type="button" class={`btn btn-small ${o.disabled ? 'btn-secondary' : 'btn-bad-outline'}`} disabled={busy} onClick={() => patch(o, { disabled: !o.disabled })} data-action={o.disabled ? 'enable' : 'disable'}>
                        {o.disabled ? t('staff.enable') : t('staff.disable')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
      <p class="muted small">{t('staff.signedInAs', { name: me.full_name })}</p>
    </section>
  );
}

const OUTCOMES = ['', 'ok', 'denied', 'failed'];
// The engine's bookkeeping in a journal row says nothing to a supervisor.
const QUIET_KEYS = new Set(['citizen_id', 'client_id', 'mutation_id', 'version', 'session']);

/** One line of an event's details (the whole of them is the cell's title). */
function summary(details) {
  const text = Object.entries(details || {})
    .filter(([k, v]) => !QUIET_KEYS.has(k) && v !== null && v !== '')
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : v}`)
    .join(', ');
  return text.length > 70 ? `${text.slice(0, 69)}…` : text;
}

export function AuditLog({ t, lang, client }) {
  const [filters, setFilters] = useState({ action: '', actor_id: '', target_kind: '', target_id: '', outcome: '', first: '', last: '' });
  const [page, setPage] = useState(null);
  const [error, setError] = useState(null);
  const [officers, setOfficers] = useState([]); // the actor filter: by name, not by id

  useEffect(() => {
    client
      .getJson('/api/staff/officers')
      .then((body) => setOfficers(body.items))
      .catch(() => {}); // the id can still be typed in the target field
  }, [client]);

  const load = async (before) => {
    setError(null);
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(filters)) if (v.trim()) q.set(k, v.trim());
    if (before) q.set('before', before);
    q.set('limit', '25');
    try {
      const body = await client.getJson(`/api/staff/audit?${q}`);
      setPage(before && page ? { ...body, items: page.items.concat(body.items) } : body);
    } catch (err) {
      setError(err);
    }
  };
  useEffect(() => {
    load();
  }, []);
  const field = (key, label, type = 'text') => (
    <label class="field">
      <span>{label}</span>
      <input id={`audit-${key}`} type={type} value={filters[key]} onInput={(e) => setFilters({ ...filters, [key]: e.currentTarget.value })} />
    </label>
  );

  return (
    <section class="ops" aria-labelledby="audit-title">
      <div class="ops-head">
        <h1 id="audit-title">{t('audit.title')}</h1>
        <a href={STAFF_HASH} class="btn btn-quiet">
          {t('nav.staff')}
        </a>
      </div>
      <form
        class="ops-filters card"
        onSubmit={(e) => {
          e.preventDefault();
          load();
        }}
      >
        {field('action', t('audit.action'))}
        <label class="field">
          <span>{t('audit.actor')}</span>
          <select id="audit-actor_id" value={filters.actor_id} onChange={(e) => setFilters({ ...filters, actor_id: e.currentTarget.value })}>
            <option value="">{t('audit.any')}</option>
            {officers.map((o) => (
              <option value={String(o.id)} key={o.id}>
                {o.full_name} ({o.username})
              </option>
            ))}
          </select>
        </label>
        {field('target_kind', t('audit.targetKind'))}
        {field('target_id', t('audit.target'))}
        <label class="field">
          <span>{t('audit.outcome')}</span>
          <select id="audit-outcome" value={filters.outcome} onChange={(e) => setFilters({ ...filters, outcome: e.currentTarget.value })}>
            {OUTCOMES.map((o) => (
              <option value={o} key={o}>
                {o ? t(`audit.outcome.${o}`) : t('audit.any')}
              </option>
            ))}
          </select>
        </label>
        {field('first', t('dash.first'), 'date')}
        {field('last', t('dash.last'), 'date')}
        <button type="submit" class="btn btn-primary">
          {t('audit.filter')}
        </button>
      </form>
      {error && (
        <p class="alert alert-bad" role="alert">
          {errorText(t, error)}
        </p>
      )}
      {!page ? (
        !error && <p class="muted">{t('loading')}</p>
      ) : (
        <section class="card ops-table">
          <table class="audit-table">
            <thead>
              <tr>
                <th scope="col">{t('audit.when')}</th>
                <th scope="col">{t('audit.actor')}</th>
                <th scope="col">{t('audit.action')}</th>
                <th scope="col">{t('audit.target')}</th>
                <th scope="col">{t('audit.outcome')}</th>
                <th scope="col">{t('audit.details')}</th>
              </tr>
            </thead>
            <tbody>
              {page.items.length === 0 && (
                <tr>
                  <td colSpan={6} class="muted">
                    {t('audit.none')}
                  </td>
                </tr>
              )}
              {page.items.map((e) => (
                <tr key={e.id} data-audit={e.action} data-outcome={e.outcome}>
                  <td class="nowrap">{formatDateTime(lang, e.at)}</td>
                  <td>
                    {e.actor_name || e.actor_kind}
                    {e.actor_id && <span class="muted small block mono">{e.actor_id.slice(0, 12)}</span>}
                  </td>
                  <td class="mono">{e.action}</td>
                  <td>
                    {e.target_kind || '–'}
                    {e.target_id && <span class="muted small block mono">{e.target_id.slice(0, 12)}</span>}
                  </td>
                  <td>
                    <span class={`flag outcome-${e.outcome}`}>{t(`audit.outcome.${e.outcome}`)}</span>
                  </td>
                  <td class="mono small details" title={JSON.stringify(e.details || {})}>
                    {summary(e.details)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {page.next_before && (
            <button type="button" class="btn btn-secondary" onClick={() => load(page.next_before)}>
              {t('audit.more')}
            </button>
          )}
        </section>
      )}
    </section>
  );
}

/** Shown instead of everything else while the officer must replace a temporary password. */
export function SetPassword({ t, client, me, onDone }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    if (next !== again) {
      setError({ serverMessage: t('password.mismatch') });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onDone(await client.request('/api/officer/password', { method: 'POST', body: { current_password: current, new_password: next } }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="signin card" aria-labelledby="password-title">
      <h1 id="password-title">{t('password.title')}</h1>
      <p class="muted">{t('password.intro', { name: me.full_name })}</p>
      <form onSubmit={submit} class="stack">
        <label class="field">
          <span>{t('password.current')}</span>
          <input id="password-current" type="password" autocomplete="current-password" required value={current} onInput={(e) => setCurrent(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>{t('password.new')}</span>
          <input id="password-new" type="password" autocomplete="new-password" required minLength={10} value={next} onInput={(e) => setNext(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>{t('password.again')}</span>
          <input id="password-again" type="password" autocomplete="new-password" required value={again} onInput={(e) => setAgain(e.currentTarget.value)} />
        </label>
        {error && (
          <p class="alert alert-bad" role="alert">
            {errorText(t, error)}
          </p>
        )}
        <button type="submit" class="btn btn-primary btn-wide" disabled={busy} data-action="set-password">
          {t('password.submit')}
        </button>
      </form>
    </section>
  );
}
