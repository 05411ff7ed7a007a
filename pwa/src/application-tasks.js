// What an application still needs, as a task list (GOV.UK style: the data, each document,
// check and submit), computed from the service's standard (catalog), the application in the
// merged sync view and its documents. Pure functions, tested under node --test.
//
// The server decides what is complete (submit answers `incomplete` with the details); this
// only tells the citizen where they stand, using the catalog's own data (required flags,
// requirement list), the published state machine (which states the citizen may edit: see
// states.js) and the server's verdicts (review status, invalid reasons).

import { formProblems, isMissing } from './form-rules.js';
import { parseServerTime } from './format.js';

function blank(value) {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}

/** Field keys the form requires that have no value yet. */
export function missingFields(service, app) {
  const fields = Array.isArray(service?.fields) ? service.fields : [];
  const values = app?.fields || {};
  return fields.filter((f) => f.required && blank(values[f.key])).map((f) => f.key);
}

/**
 * 'not_started' | 'in_progress' | 'complete' | 'needs_fix' for the form as a whole. With
 * `issues` (fieldIssues: what the phone's rules or the server found), any issue makes it
 * 'needs_fix' however much is filled in.
 */
export function dataStatus(service, app, issues = {}) {
  const fields = Array.isArray(service?.fields) ? service.fields : [];
  const values = app?.fields || {};
  if (Object.keys(issues).length > 0) return 'needs_fix';
  const filled = fields.filter((f) => !blank(values[f.key])).length;
  if (missingFields(service, app).length === 0 && (filled > 0 || fields.length === 0)) return 'complete';
  return filled === 0 ? 'not_started' : 'in_progress';
}

/**
 * Fields the server refused, {key: {value, problem, rejection}}: the value the citizen typed
 * (from the refused set_fields; for a refused submit, the value stored), the server's
 * problem {code, message, message_en}, and the rejection's key (to dismiss it once fixed).
 */
export function refusedFields(rejections, app) {
  const out = {};
  for (const r of rejections || []) {
    if (r.application_id !== app.id) continue;
    const found = { ...(r.details?.fields || {}), ...(r.details?.invalid_fields || {}) };
    for (const [key, problem] of Object.entries(found)) {
      if (key in out) continue; // newest first: the latest word stands
      const typed = r.fields && key in r.fields ? r.fields[key] : app.fields?.[key];
      out[key] = { value: typed === null || typed === undefined ? '' : String(typed), problem, rejection: r.key };
    }
  }
  return out;
}

/**
 * The form's text per field as the citizen sees it: what they typed and the engine does
 * not hold yet (drafts), else the value the server refused, else the stored value.
 */
export function formTexts(service, app, drafts = {}, refused = {}) {
  const out = {};
  for (const field of service?.fields || []) {
    const key = field.key;
    if (key in drafts) out[key] = drafts[key];
    else if (key in refused) out[key] = refused[key].value;
    else out[key] = app?.fields?.[key] === null || app?.fields?.[key] === undefined ? '' : String(app.fields[key]);
  }
  return out;
}

/**
 * What is wrong with each field now, {key: {code, params} | server problem}: the server's
 * word while the text is still the one it refused, else the phone's own rules.
 */
export function fieldIssues(service, texts, refused = {}) {
  const out = formProblems(service, texts);
  for (const [key, r] of Object.entries(refused)) {
    if (texts[key] === r.value) out[key] = { server: true, ...r.problem };
  }
  return out;
}

/** Required fields with no text, as keys (the texts of formTexts). */
export function missingTexts(service, texts) {
  return (service?.fields || []).filter((f) => isMissing(f, texts[f.key])).map((f) => f.key);
}

/**
 * One requirement's state for the citizen:
 *   missing    no document yet                        (required or optional: see .required)
 *   queued     photographed, waiting for the network  (local or uploading)
 *   failed     the upload could not be made (reason)
 *   invalid    the server found the file unusable (reason)
 *   sent       on the server, not yet reviewed
 *   accepted   the officer accepted it
 *   rejected   the officer asked for a new one (note)
 *   resubmitted a new one replaces a rejected one, waiting for review
 */
export function requirementStatus(requirement, app, documents) {
  const row = (app?.requirements || []).find((r) => r.code === requirement.code) || null;
  const documentId = row ? row.document_id : null;
  const document = documentId ? documents?.[documentId] || null : null;
  const base = { code: requirement.code, required: Boolean(requirement.required), documentId, document, note: row?.officer_note || '' };
  const review = row?.review_status || 'pending';
  const onPhone = !document || document.status === 'local' || document.status === 'uploading';
  // Rejected and not yet replaced by a new photo (a replacement is local until it is sent;
  // once the server has it, the row says "resubmitted").
  if (review === 'rejected' && !(documentId && onPhone)) return { ...base, state: 'rejected' };
  if (!documentId) return { ...base, state: 'missing' };
  if (onPhone) {
    if (document?.upload?.status === 'failed') return { ...base, state: 'failed', reason: document.upload.error || '' };
    return { ...base, state: 'queued' };
  }
  if (document.status === 'invalid') return { ...base, state: 'invalid', reason: document.reason || '' };
  if (review === 'accepted') return { ...base, state: 'accepted' };
  if (review === 'resubmitted') return { ...base, state: 'resubmitted' };
  return { ...base, state: 'sent' };
}

const BLOCKING = new Set(['missing', 'failed', 'invalid', 'rejected']);

/**
 * Everything the task list shows, and whether submitting makes sense now. `states` is
 * stateRules(published) from states.js (the server's state machine).
 */
export function taskList(service, app, documents, states, { texts = null, issues = {} } = {}) {
  const requirements = (Array.isArray(service?.requirements) ? service.requirements : []).map((r) => ({
    spec: r,
    ...requirementStatus(r, app, documents),
  }));
  const data = dataStatus(service, app, issues);
  const blocking = requirements.filter((r) => BLOCKING.has(r.state) && (r.required || r.state !== 'missing'));
  const editable = states.editable(app?.state || 'draft');
  const submitted = Boolean(app?.pending?.submit);
  return {
    data,
    missing: texts ? missingTexts(service, texts) : missingFields(service, app),
    issues: Object.keys(issues),
    requirements,
    blocking: blocking.map((r) => r.code),
    editable,
    canSubmit: editable && !submitted && data === 'complete' && blocking.length === 0,
    submitQueued: submitted,
  };
}

/**
 * Verified wallet documents that could serve a requirement instead of a new photo: same
 * document type, ready, verified, not expired (`today` as YYYY-MM-DD, in WIB), and in one
 * of the requirement's formats.
 */
const FORMAT_OF = { 'image/jpeg': 'jpeg', 'image/png': 'png', 'image/webp': 'webp', 'application/pdf': 'pdf' };

export function walletMatches(requirement, documents, today) {
  const formats = Array.isArray(requirement.formats) && requirement.formats.length ? requirement.formats : null;
  return Object.values(documents || {}).filter(
    (d) =>
      d.document_type === requirement.document_type &&
      d.status === 'ready' &&
      Boolean(d.verified_at) &&
      (!d.expires_on || d.expires_on > today) &&
      (!formats || formats.includes(FORMAT_OF[d.content_type])),
  );
}

/** Today's date in Indonesian western time (WIB, UTC+7), as the server counts days. */
export function todayWib(now = Date.now()) {
  return new Date(now + 7 * 3600 * 1000).toISOString().slice(0, 10);
}

/**
 * The application's history, oldest first: created, each submit, and the MPP's messages,
 * in time order whatever order they arrived in. -> [{at, kind: 'created' | 'submitted' |
 * 'notification', notification?}]
 */
export function historyOf(app, notifications) {
  const entries = [];
  if (app.created_at) entries.push({ at: app.created_at, kind: 'created' });
  if (app.submitted_at) entries.push({ at: app.submitted_at, kind: 'submitted' });
  for (const n of notifications || []) {
    if (n.application_id === app.id) entries.push({ at: n.created_at, kind: 'notification', notification: n });
  }
  const time = (value) => parseServerTime(value)?.getTime() ?? Infinity;
  return entries.map((e, i) => [time(e.at), i, e]).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, , e]) => e);
}

/** Applications newest first, for "Permohonan saya". */
export function sortedApplications(applications) {
  return Object.values(applications || {}).sort((a, b) =>
    String(b.updated_at || b.created_at || '9999').localeCompare(String(a.updated_at || a.created_at || '9999')),
  );
}

/**
 * The form as the citizen sees it, from the application, the unsent drafts (field-drafts.js)
 * and the rejections of the merged view: {refused, texts, issues, missing}.
 */
export function formState(service, app, drafts, rejections) {
  const refused = refusedFields(rejections, app);
  const texts = formTexts(service, app, drafts, refused);
  return { refused, texts, issues: fieldIssues(service, texts, refused), missing: missingTexts(service, texts) };
}
