// The view the screens read: the server's pulled rows with the citizen's not-yet-acknowledged
// mutations applied on top, in outbox order, so an edit shows at once and after a reload.
// Pure functions over plain data (no storage, no I/O).
//
// The optimistic step only does what needs no server rule: it writes fields, sets or clears
// a requirement's document and hides a discarded draft. It does not move `state` (the state
// machine lives on the server, published at GET /api/sync/states): a queued submit or
// withdraw shows as `pending.submit` / `pending.withdraw` until the server's answer is pulled.

export const APPLICATION_PREFIX = 'application/';
export const DOCUMENT_PREFIX = 'document/';
export const NOTIFICATION_PREFIX = 'notification/';
export const RESULT_PREFIX = 'result/';
export const VISIT_PREFIX = 'visit/';

function clone(value) {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

function emptyApplication(id, serviceId) {
  return {
    id,
    service_id: serviceId,
    state: 'draft',
    reference: null,
    fields: {},
    requirements: [],
    discrepancies: [],
    officer_note: null,
    created_at: null,
    updated_at: null,
    submitted_at: null,
  };
}

function pendingOf(app) {
  app.pending ??= { mutations: 0, submit: false, withdraw: false, created: false };
  return app.pending;
}

/** Apply one mutation {name, args} to a map of applications (id -> application), in place. */
export function applyMutation(applications, { name, args }) {
  if (!name.startsWith('application.')) return; // other domains' (survey.submit) edit no application
  const id = args.application_id;
  let app = applications.get(id);
  if (name === 'application.create') {
    if (!app) {
      app = emptyApplication(id, args.service_id);
      pendingOf(app).created = true; // no server row yet: requirements come with the first pull
      applications.set(id, app);
    }
  } else if (name === 'application.discard') {
    applications.delete(id);
    return;
  }
  if (!app) return; // e.g. an edit to an application another device discarded
  const pending = pendingOf(app);
  pending.mutations += 1;
  if (name === 'application.set_fields') {
    for (const [key, value] of Object.entries(args.fields)) {
      if (value === null || value === '') delete app.fields[key];
      else app.fields[key] = value;
    }
  } else if (name === 'application.attach' || name === 'application.detach') {
    const documentId = name === 'application.attach' ? args.document_id : null;
    let requirement = app.requirements.find((r) => r.code === args.requirement_code);
    if (!requirement) {
      requirement = { code: args.requirement_code, document_id: null, review_status: 'pending', officer_note: null };
      app.requirements.push(requirement);
    }
    requirement.document_id = documentId;
  } else if (name === 'application.submit') {
    pending.submit = true;
  } else if (name === 'application.withdraw') {
    pending.withdraw = true;
  }
}

/**
 * The merged view from a store snapshot {view: [[key, value]], outbox, uploads, rejections}.
 * Returns {profile, applications, documents, notifications, visits, rejections, queue}:
 * - applications: id -> application (server row + queued edits; `pending` when queued edits
 *   exist), documents: id -> document (server row, or a local one {status: 'local'} for a
 *   photo not yet uploaded, with `upload` = its upload record);
 * - visits: id -> booked visit as the server made it (server/visits: stops, ticket, QR);
 * - domains: other domains' rows by key prefix, e.g. domains.survey[application id];
 * - rejections: stored rejections not dismissed, newest first, each
 *   {key, name, code, message, message_en, details, application_id (null when it came from
 *   another device and this one never had the mutation), fields (a refused set_fields' values)};
 * - queue: the outbox in order, for a "not yet sent" list ({seq, name, args, sent}).
 */
export function mergeView({ view, outbox, uploads, rejections }) {
  const applications = new Map();
  const documents = {};
  const notifications = [];
  const serverResults = [];
  const visits = {};
  // Rows of other domains (server: sync/domains.py), by key prefix: {survey: {id: value}}.
  const domains = {};
  let profile = null;
  for (const [key, value] of view) {
    if (key === 'profile') profile = clone(value);
    else if (key.startsWith(APPLICATION_PREFIX)) applications.set(value.id, clone(value));
    else if (key.startsWith(DOCUMENT_PREFIX)) documents[value.id] = clone(value);
    else if (key.startsWith(NOTIFICATION_PREFIX)) notifications.push(clone(value));
    else if (key.startsWith(RESULT_PREFIX)) serverResults.push([key, value]);
    else if (key.startsWith(VISIT_PREFIX)) visits[value.id] = clone(value);
    else if (key.indexOf('/') > 0) {
      const slash = key.indexOf('/');
      (domains[key.slice(0, slash)] ??= {})[key.slice(slash + 1)] = clone(value);
    }
  }
  for (const entry of outbox) applyMutation(applications, entry);
  for (const upload of uploads) {
    const known = documents[upload.documentId];
    documents[upload.documentId] = known
      ? { ...known, upload: { ...upload } }
      : { id: upload.documentId, status: 'local', content_type: upload.contentType, size: upload.size, upload: { ...upload } };
  }
  const local = new Map(rejections.map((r) => [r.key, r]));
  const shown = new Map();
  for (const [key, value] of serverResults) {
    const mine = local.get(key);
    if (mine?.dismissed) continue;
    shown.set(key, describeRejection(key, value.name, value.error, mine));
  }
  // Rejections learnt from a push answer, before the pull that carries them.
  for (const r of rejections) {
    if (!r.dismissed && !shown.has(r.key)) shown.set(r.key, describeRejection(r.key, r.name, r.error, r));
  }
  notifications.sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)));
  return {
    profile,
    applications: Object.fromEntries(applications),
    documents,
    notifications,
    visits,
    domains,
    rejections: [...shown.values()].sort((a, b) => b.order - a.order),
    queue: outbox.map(({ seq, name, args, id, holdFor }) => ({ seq, name, args, sent: id != null, held: Boolean(holdFor) })),
  };
}

function describeRejection(key, name, error, local) {
  const order = Number(key.split('/').pop()) || 0;
  return {
    key,
    order,
    name,
    code: error?.code ?? 'unknown',
    message: error?.message ?? '',
    message_en: error?.message_en ?? '',
    details: error?.details ?? {},
    application_id: local?.args?.application_id ?? null,
    // What the refused set_fields wrote (the citizen's text, kept on screen with the reason).
    fields: local?.name === 'application.set_fields' ? local.args?.fields ?? null : null,
  };
}

/** The rejections (from mergeView) about one application. */
export function rejectionsFor(merged, applicationId) {
  return merged.rejections.filter((r) => r.application_id === applicationId);
}
