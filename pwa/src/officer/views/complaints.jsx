// Complaints (pengaduan) in the console: the queue of the officer's agency (a supervisor's:
// the whole MPP, escalated ones first), one complaint with the application it is about, its
// deadlines and answers, and the actions the server allows now (acknowledge, assign,
// answer, close). An anonymous complaint arrives with no complainant at all: the console has
// nothing to hide because the server never sends it. Supervisors also see the figures per
// agency (counts, median time to answer, overdue share).

import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { formatDate, formatDateTime, pick } from '../../format.js';
import { errorText } from '../i18n.js';
import './complaints.css';

export const COMPLAINTS_HASH = '#/pengaduan';
const STATUSES = ['received', 'acknowledged', 'reopened', 'answered', 'closed'];
const OPEN = ['received', 'acknowledged', 'reopened'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const REFRESH_MS = 30000;

/** The complaint route in a hash: { list } or { id }, or null for any other screen. */
export function complaintRoute(hash) {
  const path = String(hash || '').replace(/^#/, '').replace(/\/$/, '');
  if (path === '/pengaduan') return { list: true };
  const match = /^\/pengaduan\/([^/]+)$/.exec(path);
  return match && UUID.test(match[1]) ? { id: match[1] } : null;
}

const base = '/api/officer/complaints';

function DeadlineTag({ t, lang, item }) {
  if (item.overdue) {
    return (
      <span class="sla sla-overdue" data-overdue={item.overdue}>
        {t(`complaint.overdue.${item.overdue}`)}
      </span>
    );
  }
  if (!OPEN.includes(item.status)) return <span class="sla sla-none">–</span>;
  const due = item.status === 'received' ? item.ack_due_on : item.answer_due_on;
  return (
    <span class="sla sla-ok" title={t(item.status === 'received' ? 'complaint.ackBy' : 'complaint.answerBy', { date: formatDate(lang, due) })}>
      {t(item.status === 'received' ? 'complaint.ackShort' : 'complaint.answerShort', { date: formatDate(lang, due) })}
    </span>
  );
}

function Flags({ t, item }) {
  return (
    <span class="complaint-flags">
      {item.escalated && (
        <span class="flag flag-escalated" data-flag="escalated">
          {t('complaint.escalated')}
        </span>
      )}
      {item.anonymous && (
        <span class="flag" data-flag="anonymous">
          {t('complaint.anonymous')}
        </span>
      )}
      {item.confidential && (
        <span class="flag" data-flag="confidential">
          {t('complaint.confidential')}
        </span>
      )}
    </span>
  );
}

function StatusTag({ t, status }) {
  return (
    <span class={`state complaint-status complaint-${status}`} data-status={status}>
      {t(`complaint.status.${status}`)}
    </span>
  );
}

function Figures({ t, client }) {
  const [figures, setFigures] = useState(null);
  useEffect(() => {
    client
      .getJson(`${base}/figures`)
      .then(setFigures)
      .catch(() => setFigures(null));
  }, [client]);
  if (!figures || figures.agencies.length === 0) return null;
  return (
    <details class="card complaint-figures">
      <summary>{t('complaint.figures')}</summary>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('complaint.agency')}</th>
            <th scope="col">{t('complaint.total')}</th>
            <th scope="col">{t('complaint.answeredCount')}</th>
            <th scope="col">{t('complaint.median')}</th>
            <th scope="col">{t('complaint.overdueShare')}</th>
            <th scope="col">{t('complaint.u9')}</th>
          </tr>
        </thead>
        <tbody>
          {figures.agencies.map((a) => (
            <tr key={a.agency?.code || 'mpp'}>
              <th scope="row">{a.agency?.name || t('complaint.general')}</th>
              <td>{a.total}</td>
              <td>{a.answered}</td>
              <td>{a.median_working_days_to_answer == null ? '–' : t('complaint.days', { n: a.median_working_days_to_answer })}</td>
              <td>{Math.round(a.overdue_share * 100)}%</td>
              <td title={t('complaint.u9Answers', { n: a.u9.responses })}>{a.u9.mean == null ? '–' : a.u9.mean.toFixed(2).replace('.', t('complaint.decimal'))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

export function Complaints({ t, lang, client, me }) {
  const [status, setStatus] = useState('');
  const [escalatedOnly, setEscalatedOnly] = useState(false);
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  const generation = useRef(0);

  const load = useCallback(async () => {
    const mine = ++generation.current;
    const query = new URLSearchParams();
    if (status) query.set('status', status);
    if (escalatedOnly) query.set('escalated', 'true');
    try {
      const body = await client.getJson(`${base}${query.size ? `?${query}` : ''}`);
      if (mine !== generation.current) return;
      setData(body);
      setError(null);
    } catch (err) {
      if (mine === generation.current) setError(err);
    }
  }, [client, status, escalatedOnly]);

  useEffect(() => {
    load();
    const timer = setInterval(load, REFRESH_MS);
    window.addEventListener('focus', load);
    return () => {
      clearInterval(timer);
      window.removeEventListener('focus', load);
    };
  }, [load]);

  const counts = data?.counts || {};
  const openCount = OPEN.reduce((n, s) => n + (counts[s] || 0), 0);
  const supervisor = me.role === 'supervisor' || me.role === 'admin';

  return (
    <section aria-labelledby="complaints-title" class="queue complaints">
      <div class="queue-head">
        <h1 id="complaints-title">{t('complaint.title')}</h1>
        <p class="muted small">{supervisor ? t('complaint.scopeMpp') : t('complaint.scopeAgency')}</p>
      </div>
      <div class="tabs" role="tablist" aria-label={t('complaint.statusLabel')}>
        {['', ...STATUSES].map((s) => (
          <button type="button" role="tab" key={s || 'open'} class="tab" aria-selected={status === s} data-tab={s || 'open'} onClick={() => setStatus(s)}>
            {s ? t(`complaint.status.${s}`) : t('complaint.open')}
            <span class="tab-count">{s ? counts[s] ?? 0 : openCount}</span>
          </button>
        ))}
      </div>
      <div class="filters">
        <label class="complaint-toggle">
          <input type="checkbox" checked={escalatedOnly} onChange={(e) => setEscalatedOnly(e.currentTarget.checked)} data-filter="escalated" />
          {t('complaint.escalatedOnly')}
        </label>
      </div>
      {error && (
        <p class="alert alert-bad" role="alert">
          {errorText(t, error)}{' '}
          <button type="button" class="btn btn-small btn-secondary" onClick={load}>
            {t('retry')}
          </button>
        </p>
      )}
      {!data && !error && <p class="muted">{t('loading')}</p>}
      {data && data.items.length === 0 && <p class="empty">{t('complaint.empty')}</p>}
      {data && data.items.length > 0 && (
        <ul class="rows complaint-rows">
          {data.items.map((item) => (
            <li key={item.id}>
              <a class={`row complaint-row${item.escalated ? ' is-escalated' : ''}`} href={`#/pengaduan/${item.id}`} data-complaint={item.reference}>
                <span class="row-sla">
                  <DeadlineTag t={t} lang={lang} item={item} />
                </span>
                <span class="row-ref">
                  <strong class="mono">{item.reference}</strong>
                  <span class="muted small">
                    {t(`complaint.category.${item.category}`)} · {item.about?.service ? pick(lang, item.about.service, 'name') : item.agency?.name || t('complaint.general')}
                  </span>
                </span>
                <span class="complaint-excerpt">
                  <span>{item.excerpt}</span>
                  <Flags t={t} item={item} />
                </span>
                <span class="row-state">
                  <StatusTag t={t} status={item.status} />
                  {item.assignee && <span class="small reviewer">{t('complaint.assignedTo', { name: item.assignee.name })}</span>}
                </span>
                <span class="row-when muted small">{formatDateTime(lang, item.filed_at)}</span>
              </a>
            </li>
          ))}
        </ul>
      )}
      {supervisor && <Figures t={t} client={client} />}
    </section>
  );
}

function Photo({ client, id, number, t }) {
  const [url, setUrl] = useState(null);
  useEffect(() => {
    let made = null;
    client
      .request(`${base}/${id}/photos/${number}`, { as: 'blob' })
      .then(({ blob }) => setUrl((made = URL.createObjectURL(blob))))
      .catch(() => {});
    return () => made && URL.revokeObjectURL(made);
  }, [client, id, number]);
  return url ? <img class="complaint-photo" src={url} alt={t('complaint.photo', { n: number })} /> : null;
}

export function ComplaintDetail({ t, lang, client, id }) {
  const [detail, setDetail] = useState(null);
  const [error, setError] = useState(null);
  const [answer, setAnswer] = useState('');
  const [assignee, setAssignee] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(null);

  const load = useCallback(() => {
    client
      .getJson(`${base}/${id}`)
      .then((body) => {
        setDetail(body);
        setError(null);
      })
      .catch(setError);
  }, [client, id]);
  useEffect(load, [load]);

  const act = async (action, body = {}) => {
    setBusy(true);
    setDone(null);
    try {
      const fresh = await client.request(`${base}/${id}/${action}`, { method: 'POST', body: { revision: detail.revision, ...body } });
      setDetail(fresh);
      setError(null);
      setDone(t(`complaint.done.${action}`));
      if (action === 'answer') setAnswer('');
    } catch (err) {
      setError(err);
      if (err.code === 'complaint_stale') load(); // the typed answer stays
    } finally {
      setBusy(false);
    }
  };

  if (!detail) {
    return (
      <section class="complaint-detail">
        <a class="back-link" href={COMPLAINTS_HASH}>
          ← {t('complaint.back')}
        </a>
        {error ? (
          <p class="alert alert-bad" role="alert">
            {errorText(t, error)}
          </p>
        ) : (
          <p class="muted">{t('loading')}</p>
        )}
      </section>
    );
  }
  const about = detail.about;
  const can = (action) => detail.actions.includes(action);
  return (
    <section class="complaint-detail" aria-labelledby="complaint-title">
      <a class="back-link" href={COMPLAINTS_HASH}>
        ← {t('complaint.back')}
      </a>
      <div class="review-title-line">
        <h1 id="complaint-title" class="mono">
          {detail.reference}
        </h1>
        <StatusTag t={t} status={detail.status} />
        <DeadlineTag t={t} lang={lang} item={detail} />
        <Flags t={t} item={detail} />
      </div>
      <div class="complaint-grid">
        <div class="stack">
          <div class="card stack">
            <h2>
              {t(`complaint.category.${detail.category}`)} · {formatDateTime(lang, detail.filed_at)}
            </h2>
            <p class="complaint-text" data-complaint-text>
              {detail.text}
            </p>
            {detail.reopen_reason && (
              <p class="alert alert-warn">
                <strong>{t('complaint.reopenedBecause')}</strong> {detail.reopen_reason}
              </p>
            )}
            {detail.photos > 0 && (
              <div class="complaint-photos">
                {Array.from({ length: detail.photos }, (_, i) => (
                  <Photo key={i} client={client} id={detail.id} number={i + 1} t={t} />
                ))}
              </div>
            )}
          </div>
          {about && (
            <div class="card stack" data-about>
              <h2>{t('complaint.about')}</h2>
              <dl class="complaint-facts">
                {about.service && (
                  <>
                    <dt>{t('complaint.service')}</dt>
                    <dd>{pick(lang, about.service, 'name')}</dd>
                  </>
                )}
                <dt>{t('complaint.agency')}</dt>
                <dd>
                  {about.agency}
                  {about.counter ? ` · ${about.counter}` : ''}
                </dd>
                {about.decision && (
                  <>
                    <dt>{t('complaint.decision')}</dt>
                    <dd>{t(`state.${about.decision}`)}</dd>
                  </>
                )}
                {about.reason && (
                  <>
                    <dt>{t('complaint.reason')}</dt>
                    <dd>{about.reason}</dd>
                  </>
                )}
                {about.submitted_on && (
                  <>
                    <dt>{t('complaint.dates')}</dt>
                    <dd>
                      {formatDate(lang, about.submitted_on)} → {formatDate(lang, about.decided_on)}
                    </dd>
                  </>
                )}
              </dl>
              {about.rejected_requirements?.length > 0 && (
                <ul class="complaint-rejected">
                  {about.rejected_requirements.map((r) => (
                    <li key={r.code} data-rejected={r.code}>
                      <strong>{pick(lang, r, 'title')}</strong>: {r.note}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          )}
          <div class="card stack">
            <h2>{t('complaint.answers')}</h2>
            {detail.answers.length === 0 && <p class="muted">{t('complaint.noAnswer')}</p>}
            {detail.answers.map((a, i) => (
              <div class="complaint-answer" key={i} data-answer={i}>
                <p>{a.text}</p>
                <p class="muted small">
                  {a.officer?.name} · {formatDateTime(lang, a.at)}
                </p>
              </div>
            ))}
          </div>
        </div>
        <aside class="stack">
          <div class="card stack" data-complainant>
            <h2>{t('complaint.complainant')}</h2>
            {detail.complainant ? (
              <p>
                {detail.complainant.name || '–'}
                <br />
                <span class="muted small mono">{detail.complainant.phone}</span>
                {detail.complainant.application_reference && (
                  <>
                    <br />
                    <span class="small mono">{detail.complainant.application_reference}</span>
                  </>
                )}
              </p>
            ) : (
              <p class="muted">{t('complaint.hidden')}</p>
            )}
          </div>
          <div class="card stack">
            <h2>{t('complaint.deadlines')}</h2>
            <p class="small">{t('complaint.ackBy', { date: formatDate(lang, detail.ack_due_on) })}</p>
            <p class="small">{t('complaint.answerBy', { date: formatDate(lang, detail.answer_due_on) })}</p>
            {detail.assignee && <p class="small">{t('complaint.assignedTo', { name: detail.assignee.name })}</p>}
          </div>
          {error && (
            <p class="alert alert-bad" role="alert">
              {errorText(t, error)}
            </p>
          )}
          {done && (
            <p class="alert alert-ok" role="status">
              {done}
            </p>
          )}
          {detail.actions.length > 0 && (
            <div class="card stack complaint-actions">
              {can('acknowledge') && (
                <button type="button" class="btn btn-secondary btn-wide" disabled={busy} onClick={() => act('acknowledge')} data-action="acknowledge">
                  {t('complaint.acknowledge')}
                </button>
              )}
              {can('assign') && detail.assignable.length > 0 && (
                <div class="row-actions">
                  <label class="field grow">
                    <span>{t('complaint.assign')}</span>
                    <select value={assignee} onChange={(e) => setAssignee(e.currentTarget.value)} data-field="assignee">
                      <option value="">{t('complaint.choose')}</option>
                      {detail.assignable.map((o) => (
                        <option key={o.id} value={o.id}>
                          {o.name}
                        </option>
                      ))}
                    </select>
                  </label>
                  <button type="button" class="btn btn-quiet" disabled={busy || !assignee} onClick={() => act('assign', { officer_id: Number(assignee) })} data-action="assign">
                    {t('complaint.assignButton')}
                  </button>
                </div>
              )}
              {can('answer') && (
                <form
                  class="stack"
                  onSubmit={(e) => {
                    e.preventDefault();
                    act('answer', { text: answer });
                  }}
                >
                  <label class="field" for="complaint-answer">
                    {t('complaint.answerLabel')}
                  </label>
                  <textarea id="complaint-answer" rows="6" maxLength="4000" value={answer} onInput={(e) => setAnswer(e.currentTarget.value)} />
                  <button type="submit" class="btn btn-primary btn-wide" disabled={busy || !answer.trim()} data-action="answer">
                    {t('complaint.send')}
                  </button>
                </form>
              )}
              {can('close') && (
                <button type="button" class="btn btn-quiet btn-wide" disabled={busy} onClick={() => act('close')} data-action="close">
                  {t('complaint.close')}
                </button>
              )}
            </div>
          )}
        </aside>
      </div>
    </section>
  );
}
