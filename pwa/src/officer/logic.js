// The console's decisions as pure functions (no DOM, no fetch), so `node --test` checks them:
// how urgent a deadline is, the requests each action sends, which buttons an application
// shows. The rules themselves are the server's, read from what it publishes: which states
// the queue holds (`officer_queue` in /api/sync/states), which actions are possible now
// (`allowed_actions` of each detail, sync/officer.py available_actions) and where each is
// sent (`action_paths`). We only lay them out.

export const QUEUE_PAGE = 50;

/** The queue's states, in the server's order, from the published state machine. */
export function queueStates(published) {
  return (published?.states || []).filter((s) => s.officer_queue).map((s) => s.name);
}

/** 'overdue' (past the due date), 'due' (today or tomorrow), 'ok', or 'none' (no SLA). */
export function slaLevel(daysLeft) {
  if (typeof daysLeft !== 'number' || Number.isNaN(daysLeft)) return 'none';
  if (daysLeft < 0) return 'overdue';
  if (daysLeft <= 1) return 'due';
  return 'ok';
}

/** The deadline in words: "Lewat 2 hari kerja", "Hari ini", "3 hari kerja lagi". */
export function slaText(t, daysLeft) {
  const level = slaLevel(daysLeft);
  if (level === 'none') return t('sla.none');
  if (level === 'overdue') return t('sla.overdue', { n: -daysLeft });
  if (daysLeft === 0) return t('sla.today');
  return t('sla.left', { n: daysLeft });
}

/** GET path of the queue; empty filters are left out. */
export function queuePath({ state = '', service = '', q = '', offset = 0, limit = QUEUE_PAGE } = {}) {
  const params = new URLSearchParams();
  if (state) params.set('state', state);
  if (service) params.set('service', service);
  const query = normaliseSearch(q);
  if (query) params.set('q', query);
  params.set('limit', String(limit));
  if (offset) params.set('offset', String(offset));
  return `/api/officer/applications?${params}`;
}

/** A search as the server matches it: a reference in upper case, a NIK without spaces. */
export function normaliseSearch(q) {
  const text = String(q || '').trim();
  const digits = text.replace(/[\s.-]/g, '');
  if (/^\d{16}$/.test(digits)) return digits;
  return text.toUpperCase();
}

/**
 * The POST an action sends: {path, body}, the path as the detail publishes it. Every body
 * carries the version the officer saw, so a change made meanwhile by someone else is a
 * 409 `stale`, never overwritten.
 */
export function actionRequest(detail, action, payload = {}) {
  const path = detail?.action_paths?.[action];
  if (!path) throw new Error(`action ${action} is not allowed now`);
  return { path, body: { ...payload, version: detail.version } };
}

/** One requirement's decision: a reason code from the templates and/or the officer's words. */
export function reviewPayload(requirementCode, decision, { reason = '', note = '' } = {}) {
  const body = { requirement: requirementCode, decision, note: decision === 'reject' ? note.trim() : '' };
  if (decision === 'reject' && reason) body.reason = reason;
  return body;
}

/** A rejection needs a template reason or a written one: the citizen must learn what to fix. */
export function canReject({ reason = '', note = '' } = {}) {
  return Boolean(reason) || note.trim().length > 0;
}

/** The pickup form, prefilled from the server's suggestion (the service's counter, hours…). */
export function pickupForm(detail) {
  const s = detail?.pickup || detail?.pickup_suggestion || {};
  return {
    counter: s.counter || '',
    hours: s.hours || '',
    bring: Array.isArray(s.bring) ? s.bring.join('\n') : '',
    visit_date: s.visit_date || '',
  };
}

/** The mark-ready payload from the form: one original to bring per line. */
export function pickupPayload(form) {
  const pickup = {
    counter: form.counter.trim(),
    hours: form.hours.trim(),
    bring: form.bring.split('\n').map((line) => line.trim()).filter(Boolean),
  };
  if (form.visit_date) pickup.visit_date = form.visit_date;
  return { pickup };
}

/**
 * The application-wide buttons, in order, from `allowed_actions`. `primary` is the one the
 * officer most likely wants: approving when every requirement is accepted, asking for a
 * revision when one is rejected (the server still checks either).
 */
export function applicationButtons(detail) {
  const allowed = new Set(detail?.allowed_actions || []);
  const reqs = detail?.requirements || [];
  const anyRejected = reqs.some((r) => r.review_status === 'rejected');
  const allAccepted = reqs.every((r) => r.review_status === 'accepted' || (!r.required && !r.document));
  const order = ['start_review', 'approve', 'request_revision', 'mark_ready', 'reject'];
  return order
    .filter((action) => allowed.has(action))
    .map((action) => ({
      action,
      primary:
        action === 'start_review' ||
        action === 'mark_ready' ||
        (action === 'approve' && allAccepted && !anyRejected) ||
        (action === 'request_revision' && anyRejected),
      danger: action === 'reject',
    }));
}

/** Requirement decisions and discrepancy acceptance are only offered while in review. */
export function canDecide(detail) {
  return (detail?.allowed_actions || []).includes('review_requirement');
}

export function canAcceptDiscrepancy(detail) {
  return (detail?.allowed_actions || []).includes('accept_discrepancy');
}

/** Someone other than `me` holds the review: their name, else null. */
export function otherReviewer(detail, me) {
  const reviewer = detail?.reviewer;
  if (!reviewer || !me) return null;
  return String(reviewer.id) === String(me.id) ? null : reviewer.name || '?';
}

/** A 409 `stale` carries the fresh application: the screen shows it instead of erroring. */
export function freshFromStale(error) {
  if (!error || error.status !== 409 || error.code !== 'stale') return null;
  const fresh = error.details?.application;
  return fresh && typeof fresh === 'object' && fresh.id ? fresh : null;
}

/**
 * The code in a scanned QR or a typed entry: the ticket's 20 base32 characters, dashes,
 * spaces and case ignored ("k7qx-m2pa …" is "K7QXM2PA…"). Null when it cannot be one.
 */
export function ticketCode(text) {
  const compact = String(text || '').toUpperCase().replace(/[\s-]/g, '');
  return /^[A-Z2-7]{20}$/.test(compact) ? compact : null;
}

/** The ticket in groups of four, as printed on the citizen's phone. */
export function groupCode(code) {
  return String(code || '').replace(/(.{4})(?=.)/g, '$1-');
}

/** Form fields in display order: the ones differing from the MPP record first. */
export function fieldsForReview(detail) {
  const fields = detail?.fields || [];
  return [...fields.filter((f) => f.discrepancy), ...fields.filter((f) => !f.discrepancy)];
}

/** A field's value as text: the choice's label when there is one. */
export function fieldText(lang, field) {
  const label = lang === 'en' ? field.value_label_en || field.value_label_id : field.value_label_id || field.value_label_en;
  if (label) return label;
  if (field.value === null || field.value === undefined || field.value === '') return '';
  if (typeof field.value === 'boolean') return field.value ? '✓' : '✗';
  return String(field.value);
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Hash routes: #/ the queue, #/permohonan/<uuid> one application, #/kunjungan a visit. */
export function parseRoute(hash) {
  const path = String(hash || '').replace(/^#/, '').replace(/\/$/, '');
  if (path === '/kunjungan') return { name: 'visit' };
  if (path === '/loket') return { name: 'counter' };
  const match = /^\/permohonan\/([^/]+)$/.exec(path);
  if (match && UUID_RE.test(match[1])) return { name: 'review', id: match[1] };
  return { name: 'queue' };
}

export function routeHref(route) {
  if (route.name === 'visit') return '#/kunjungan';
  if (route.name === 'counter') return '#/loket';
  if (route.name === 'review') return `#/permohonan/${route.id}`;
  return '#/';
}
