// One application under review. The officer's typed words (the note for the applicant, each
// rejection's reason and text, the pickup form) live in this component's state, apart from
// the application itself, so a 409 `stale` can swap in the fresh application the server
// sent (details.application) without losing what was typed.

import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { formatDate, formatDateTime, pick } from '../../format.js';
import { errorText } from '../i18n.js';
import {
  applicationButtons,
  canAcceptDiscrepancy,
  canDecide,
  canReject,
  fieldText,
  fieldsForReview,
  freshFromStale,
  otherReviewer,
  pickupForm,
  pickupPayload,
  reviewPayload,
} from '../logic.js';
import { SlaTag, StateTag } from './common.jsx';
import { DocumentViewer } from './viewer.jsx';

export function Review({ t, lang, client, me, id }) {
  const [detail, setDetail] = useState(null);
  const [activity, setActivity] = useState([]);
  const [loadError, setLoadError] = useState(null);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null); // 'stale' | 'done'
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState('');
  const [drafts, setDrafts] = useState({}); // requirement code -> {open, reason, note}
  const [reasons, setReasons] = useState({}); // document type -> [{code,label_id,label_en}]
  const [pickup, setPickup] = useState(null);
  const [confirmReject, setConfirmReject] = useState(false);
  const started = useRef(false);
  const [starting, setStarting] = useState(false);

  const loadActivity = useCallback(() => {
    client.activity(id).then((body) => setActivity(body.items)).catch(() => {});
  }, [client, id]);

  const run = useCallback(
    async (current, action, payload) => {
      setBusy(true);
      setError(null);
      setNotice(null);
      try {
        const fresh = await client.act(current, action, payload);
        setDetail(fresh);
        setNotice('done');
        loadActivity();
        return true;
      } catch (err) {
        const fresh = freshFromStale(err);
        if (fresh) {
          setDetail(fresh);
          setNotice('stale');
          loadActivity();
        } else {
          setError(err);
        }
        return false;
      } finally {
        setBusy(false);
      }
    },
    [client, loadActivity],
  );

  useEffect(() => {
    let live = true;
    client
      .detail(id)
      .then((body) => {
        if (!live) return;
        setDetail(body);
        // Opening a new application takes it: others see who is reviewing it.
        if (!started.current && (body.allowed_actions || []).includes('start_review')) {
          started.current = true;
          setStarting(true);
          run(body, 'start_review').then(() => {
            setNotice(null);
            setStarting(false);
          });
        }
      })
      .catch((err) => live && setLoadError(err));
    loadActivity();
    return () => {
      live = false;
    };
  }, [client, id, run, loadActivity]);

  // Reason templates for each document type shown, once.
  useEffect(() => {
    if (!detail) return;
    for (const type of new Set(detail.requirements.map((r) => r.document_type || ''))) {
      if (reasons[type]) continue;
      setReasons((all) => ({ ...all, [type]: [] }));
      client
        .reasons(type)
        .then((body) => setReasons((all) => ({ ...all, [type]: body.reasons })))
        .catch(() => setReasons((all) => ({ ...all, [type]: undefined })));
    }
  }, [client, detail, reasons]);

  if (loadError) {
    return (
      <p class="alert alert-bad" role="alert">
        {errorText(t, loadError)}
      </p>
    );
  }
  if (!detail) return <p class="muted">{t('loading')}</p>;

  const other = otherReviewer(detail, me);
  const deciding = canDecide(detail) && !other;
  const draftOf = (code) => drafts[code] || { open: false, reason: '', note: '' };
  const setDraft = (code, change) => setDrafts((all) => ({ ...all, [code]: { ...draftOf(code), ...change } }));
  const fields = fieldsForReview(detail);
  const discrepancyCount = fields.filter((f) => f.discrepancy).length;

  const onAction = async (action) => {
    if (action === 'mark_ready') {
      setPickup(pickup || pickupForm(detail));
      return;
    }
    if (action === 'reject') {
      if (!note.trim()) {
        setError({ serverMessage: t('action.rejectNeedsNote') });
        document.getElementById('review-note')?.focus();
        return;
      }
      setConfirmReject(true);
      return;
    }
    const payload = action === 'request_revision' ? { note: note.trim() } : {};
    if (await run(detail, action, payload)) {
      if (action === 'request_revision') setNote('');
    }
  };

  return (
    <article class="review" aria-labelledby="review-title" data-review={detail.id} data-version={detail.version}>
      <header class="review-head card">
        <a href="#/" class="back-link" data-action="back">
          <span aria-hidden="true">←</span> {t('review.back')}
        </a>
        <div class="review-title-line">
          <h1 id="review-title" class="mono">
            {detail.reference}
          </h1>
          <StateTag t={t} state={detail.state} />
          <SlaTag t={t} lang={lang} daysLeft={detail.working_days_left} dueOn={detail.due_on} />
        </div>
        <dl class="facts">
          <div>
            <dt>{pick(lang, detail.service, 'name')}</dt>
            <dd>
              {detail.service.agency?.name}
              {detail.service.agency?.counter ? ` · ${detail.service.agency.counter}` : ''}
            </dd>
          </div>
          <div>
            <dt>{t('review.applicant')}</dt>
            <dd>
              {detail.applicant?.name} · <span class="mono">{detail.applicant?.nik_masked}</span>
            </dd>
          </div>
          <div>
            <dt>{t('review.submitted')}</dt>
            <dd>{formatDateTime(lang, detail.submitted_at)}</dd>
          </div>
        </dl>
        {other && (
          <p class="alert alert-warn" role="status" data-reviewing-other>
            {t('review.reviewingOther', { name: other, when: formatDateTime(lang, detail.reviewer.since) })}
          </p>
        )}
        {notice === 'stale' && (
          <p class="alert alert-warn" role="alert" data-stale>
            {t('review.stale')}
          </p>
        )}
        {error && (
          <p class="alert alert-bad" role="alert" data-error={error.code || ''}>
            {errorText(t, error)}
          </p>
        )}
      </header>

      <div class="review-main">
        <section class="card" aria-labelledby="form-title">
          <h2 id="form-title">{t('review.form')}</h2>
          {discrepancyCount > 0 && <p class="alert alert-warn small">{t('review.discrepancies', { n: discrepancyCount, count: discrepancyCount })}</p>}
          <dl class="form-data">
            {fields.map((f) => (
              <div key={f.key} class={f.discrepancy ? 'differs' : undefined} data-field={f.key}>
                <dt>{pick(lang, f, 'label')}</dt>
                <dd>
                  <span>{fieldText(lang, f) || '–'}</span>
                  {f.discrepancy && (
                    <>
                      <span class="record">{t('review.recordValue', { value: String(f.discrepancy.record_value ?? '–') })}</span>
                      {canAcceptDiscrepancy(detail) && !other && (
                        <button type="button" class="btn btn-secondary btn-small" disabled={busy} data-accept-discrepancy={f.key} onClick={() => run(detail, 'accept_discrepancy', { field: f.key })}>
                          {t('review.acceptDiscrepancy')}
                        </button>
                      )}
                    </>
                  )}
                </dd>
              </div>
            ))}
          </dl>
        </section>

        <section aria-labelledby="reqs-title">
          <h2 id="reqs-title" class="section-title">
            {t('review.requirements')}
          </h2>
          {detail.requirements.map((r) => {
            const draft = draftOf(r.code);
            const options = reasons[r.document_type || ''] || [];
            const title = pick(lang, r, 'title');
            const titleId = `req-title-${r.code}`;
            const previous = r.previous_documents || [];
            return (
              <div key={r.code} class={`card requirement req-${r.review_status}`} data-requirement={r.code} data-status={r.review_status}>
                <div class="requirement-head">
                  <h3 id={titleId}>
                    {title}
                    {!r.required && <span class="muted small"> ({t('review.optional')})</span>}
                  </h3>
                  <span class={`status status-${r.review_status}`}>{t(`review.status.${r.review_status}`)}</span>
                </div>
                {r.review_status === 'rejected' && r.officer_note && <p class="small note-line">{t('review.officerNote', { note: r.officer_note })}</p>}
                {r.nik_check && <NikCheck t={t} lang={lang} check={r.nik_check} />}
                {/* documents wait for the review to be taken: the first answer is the state to act on */}
                {starting ? (
                  <p class="muted">{t('loading')}</p>
                ) : r.document && previous.length > 0 ? (
                  <Compare t={t} lang={lang} client={client} current={r.document} previous={previous} title={title} />
                ) : r.document ? (
                  <DocumentViewer t={t} lang={lang} client={client} document={r.document} title={title} />
                ) : (
                  <p class="muted">{t('review.noDocument')}</p>
                )}
                {deciding && r.document && (
                  <div class="decide" role="group" aria-labelledby={titleId} data-decide-group={r.code}>
                    <div class="row-actions">
                      <button type="button" class="btn btn-ok" disabled={busy || r.review_status === 'accepted'} data-decide="accept" aria-label={t('review.acceptOf', { title })} onClick={() => run(detail, 'review_requirement', reviewPayload(r.code, 'accept'))}>
                        <span aria-hidden="true">✓</span> {t('review.accept')}
                      </button>
                      <button type="button" class="btn btn-bad-outline" aria-expanded={draft.open} disabled={busy} data-decide="reject" aria-label={t('review.rejectOf', { title })} onClick={() => setDraft(r.code, { open: !draft.open })}>
                        <span aria-hidden="true">✗</span> {t('review.reject')}
                      </button>
                    </div>
                    {draft.open && (
                      <form
                        class="reject-form stack"
                        onSubmit={async (e) => {
                          e.preventDefault();
                          if (!canReject(draft)) return;
                          if (await run(detail, 'review_requirement', reviewPayload(r.code, 'reject', draft))) {
                            setDraft(r.code, { open: false, reason: '', note: '' });
                          }
                        }}
                      >
                        <label class="field">
                          <span>{t('review.reason')}</span>
                          <select id={`reason-${r.code}`} value={draft.reason} onChange={(e) => setDraft(r.code, { reason: e.currentTarget.value })}>
                            <option value="">{t('review.reasonPick')}</option>
                            {options.map((o) => (
                              <option key={o.code} value={o.code}>
                                {pick(lang, o, 'label')}
                              </option>
                            ))}
                          </select>
                        </label>
                        <label class="field">
                          <span>{t('review.reasonNote')}</span>
                          <textarea id={`reason-note-${r.code}`} rows="2" maxLength={1000} value={draft.note} onInput={(e) => setDraft(r.code, { note: e.currentTarget.value })} />
                        </label>
                        {!canReject(draft) && <p class="muted small">{t('review.needReason')}</p>}
                        <button type="submit" class="btn btn-bad" disabled={busy || !canReject(draft)} data-action="save-rejection">
                          {t('review.rejectSave')}
                        </button>
                      </form>
                    )}
                  </div>
                )}
              </div>
            );
          })}
        </section>
      </div>

      {/* One column beside the application, sticky as a whole: the decision panel can never
          slide over the activity feed. */}
      <div class="review-side">
      {/* Another officer's review leaves this reader with nothing to decide: no empty box. */}
      {(!other || detail.ticket || detail.pickup || detail.officer_note) && (
      <aside class="review-decide card" aria-labelledby="decide-title">
        <Decision
          t={t}
          lang={lang}
          detail={detail}
          other={other}
          busy={busy}
          note={note}
          setNote={setNote}
          notice={notice}
          onAction={onAction}
          pickup={pickup}
          setPickup={setPickup}
          confirmReject={confirmReject}
          setConfirmReject={setConfirmReject}
          run={run}
        />
      </aside>
      )}

      <aside class="review-activity card" aria-labelledby="activity-title">
        <h2 id="activity-title">{t('activity.title')}</h2>
        <Activity t={t} lang={lang} items={activity} requirements={detail.requirements} fields={detail.fields} />
      </aside>
      </div>
    </article>
  );
}

function Decision({ t, lang, detail, other, busy, note, setNote, notice, onAction, pickup, setPickup, confirmReject, setConfirmReject, run }) {
  const buttons = other ? [] : applicationButtons(detail);
  const inReview = detail.state === 'in_review';
  // The panel is named by what it shows now: the decisions, the pickup form, or the
  // rejection being confirmed.
  const heading = confirmReject ? t('action.reject') : pickup ? t('pickup.title') : t('review.decision');
  return (
    <div class="stack">
      <h2 id="decide-title">{heading}</h2>
      {detail.state === 'ready' && detail.pickup && (
        <p class="alert alert-ok small" data-pickup>
          {t('pickup.current', { counter: detail.pickup.counter, hours: detail.pickup.hours })}
          {detail.pickup.visit_date ? ` ${formatDate(lang, detail.pickup.visit_date)}.` : ''}
        </p>
      )}
      {detail.ticket && <p class="muted small">{t(detail.ticket.used ? 'ticket.used' : 'ticket.issued')}</p>}
      {detail.officer_note && !inReview && <p class="small note-line">{t('review.officerNote', { note: detail.officer_note })}</p>}
      {inReview && !other && (
        <label class="field">
          <span>{t('review.note')}</span>
          <textarea id="review-note" rows="3" maxLength={2000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
          <span class="muted small">{t('review.noteHint')}</span>
        </label>
      )}
      {notice === 'done' && (
        <p class="muted small" role="status">
          {t('action.done')}
        </p>
      )}
      {confirmReject ? (
        <div class="confirm stack">
          <p>{t('action.rejectConfirm')}</p>
          <div class="row-actions">
            <button
              type="button"
              class="btn btn-bad"
              disabled={busy}
              data-action="confirm-reject"
              onClick={async () => {
                if (await run(detail, 'reject', { note: note.trim() })) setNote('');
                setConfirmReject(false);
              }}
            >
              {t('action.reject')}
            </button>
            <button type="button" class="btn btn-quiet" onClick={() => setConfirmReject(false)}>
              {t('action.cancel')}
            </button>
          </div>
        </div>
      ) : pickup ? (
        <form
          class="stack"
          data-pickup-form
          onSubmit={async (e) => {
            e.preventDefault();
            if (await run(detail, 'mark_ready', pickupPayload(pickup))) setPickup(null);
          }}
        >
          <label class="field">
            <span>{t('pickup.counter')}</span>
            <input id="pickup-counter" required maxLength={100} value={pickup.counter} onInput={(e) => setPickup({ ...pickup, counter: e.currentTarget.value })} />
          </label>
          <label class="field">
            <span>{t('pickup.hours')}</span>
            <input id="pickup-hours" required maxLength={200} value={pickup.hours} onInput={(e) => setPickup({ ...pickup, hours: e.currentTarget.value })} />
          </label>
          <label class="field">
            <span>{t('pickup.bring')}</span>
            <textarea id="pickup-bring" rows="3" value={pickup.bring} onInput={(e) => setPickup({ ...pickup, bring: e.currentTarget.value })} />
          </label>
          <label class="field">
            <span>{t('pickup.visitDate')}</span>
            <input id="pickup-date" type="date" value={pickup.visit_date} onInput={(e) => setPickup({ ...pickup, visit_date: e.currentTarget.value })} />
          </label>
          <div class="row-actions">
            <button type="submit" class="btn btn-primary" disabled={busy} data-action="save-ready">
              {t('pickup.save')}
            </button>
            <button type="button" class="btn btn-quiet" onClick={() => setPickup(null)}>
              {t('action.cancel')}
            </button>
          </div>
        </form>
      ) : (
        buttons.length > 0 && (
          <div class="decision-buttons">
            {buttons.map((b) => (
              <button
                type="button"
                key={b.action}
                class={`btn btn-wide ${b.danger ? 'btn-bad-outline' : b.primary ? 'btn-primary' : 'btn-secondary'}`}
                disabled={busy}
                data-action={b.action}
                onClick={() => onAction(b.action)}
              >
                {t(`action.${b.action}`)}
              </button>
            ))}
          </div>
        )
      )}
    </div>
  );
}

/** A replaced document beside its replacement: what the officer rejected, and the new one. */
function Compare({ t, lang, client, current, previous, title }) {
  const [last, ...older] = previous;
  const status = t(`review.status.${last.review_status}`);
  return (
    <div class="compare" data-compare>
      <section class="compare-side" aria-label={t('review.newDocument')} data-compare-new={current.id}>
        <h4>{t('review.newDocument')}</h4>
        <DocumentViewer t={t} lang={lang} client={client} document={current} title={`${title} · ${t('review.newDocument')}`} />
      </section>
      <section class="compare-side" aria-label={t('review.previousDocument')} data-compare-previous={last.id}>
        <h4>
          {t('review.previousDocument')} · <span class={`status status-${last.review_status}`}>{status}</span>
        </h4>
        {last.officer_note && <p class="small note-line">{t('review.officerNote', { note: last.officer_note })}</p>}
        <DocumentViewer t={t} lang={lang} client={client} document={last} title={`${title} · ${t('review.previousDocument')}`} />
        {older.length > 0 && <p class="muted small">{t('review.olderVersions', { n: older.length, count: older.length })}</p>}
      </section>
    </div>
  );
}

// What a line of the feed adds to its action (the reason's code is left out: its label is
// in the note; a requirement and a form field are named by their titles, not their codes).
const DETAIL_KEYS = ['requirement_code', 'field', 'note'];

function Activity({ t, lang, items, requirements, fields }) {
  if (!items.length) return <p class="muted small">{t('activity.empty')}</p>;
  const names = {
    requirement_code: new Map(requirements.map((r) => [r.code, pick(lang, r, 'title')])),
    field: new Map(fields.map((f) => [f.key, pick(lang, f, 'label')])),
  };
  const shown = (key, value) => names[key]?.get(value) || String(value);
  return (
    <ol class="activity" data-activity tabIndex={0} aria-labelledby="activity-title">
      {[...items].reverse().map((item, i) => {
        const key = `act.${item.action}`;
        const label = t(key);
        const details = DETAIL_KEYS.filter((k) => item.details && item.details[k] !== undefined && item.details[k] !== '' && item.details[k] !== null);
        return (
          <li key={`${item.at}-${i}`} data-action={item.action}>
            <span class="activity-what">{label === key ? item.action : label}</span>
            <span class="muted small">
              {item.actor?.name || t('activity.system')} · {formatDateTime(lang, item.at)}
            </span>
            {details.length > 0 && <span class="small activity-details">{details.map((k) => shown(k, item.details[k])).join(' · ')}</span>}
          </li>
        );
      })}
    </ol>
  );
}

/** What the machine read on an identity document, against the form: advice, not a decision. */
function NikCheck({ t, lang, check }) {
  const kind = { match: 'ok', mismatch: 'warn', unreadable: 'warn' }[check.result] || 'muted';
  const kkDiffers = check.scan_kk && check.form_kk && check.scan_kk !== check.form_kk;
  const nikDiffers = check.result === 'mismatch' && check.scan_nik && check.scan_nik !== check.form_nik;
  return (
    <div class={`nik-check nik-check-${kind}`} data-nik-check={check.result}>
      <p class="small">
        <strong>{t('nikCheck.label')}</strong>{' '}
        {check.result === 'match' && t('nikCheck.match', { nik: check.scan_nik || check.scan_kk })}
        {nikDiffers && t('nikCheck.mismatch', { scan: check.scan_nik, form: check.form_nik || '—' })}
        {kkDiffers && ` ${t('nikCheck.kkMismatch', { scan: check.scan_kk, form: check.form_kk })}`}
        {['unreadable', 'pending', 'unavailable'].includes(check.result) && t(`nikCheck.${check.result}`)}
      </p>
      {check.nik_problem && (
        <p class="small" data-nik-problem={check.nik_problem.code}>
          {lang === 'en' ? check.nik_problem.message_en : check.nik_problem.message_id}
        </p>
      )}
      {(check.result === 'match' || check.result === 'mismatch' || check.result === 'unreadable') && <p class="small muted">{t('nikCheck.advice')}</p>}
    </div>
  );
}
