// An in-memory stand-in for the server's sync and upload contract (docs/sync-protocol.md),
// faithful in what the client engine relies on: per-client last_mutation_id, each mutation
// applied once and in order, stored rejections (also pulled as result/<client>/<id>), 409
// mutation_gap, 413 over 100, 403 for another citizen's client group, versioned rows with
// tombstones, pull by cookie with reset. The domain rules are reduced to what the tests need.

export class HttpError extends Error {
  constructor(status, code, details = {}) {
    super(code);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

const copy = (v) => JSON.parse(JSON.stringify(v));

export class FakeServer {
  constructor() {
    this.groups = new Map(); // client_group_id -> citizen
    this.clients = new Map(); // client_id -> {group, last}
    this.results = new Map(); // "client/id" -> error
    this.spaces = new Map(); // citizen -> {version, rows: Map key -> {value, version, deleted}}
    this.journal = []; // {citizen, clientId, id, name, args, status}
    this.documents = new Map(); // document id -> {citizen, bytes}
  }

  space(citizen) {
    if (!this.spaces.has(citizen)) this.spaces.set(citizen, { version: 0, rows: new Map() });
    return this.spaces.get(citizen);
  }

  write(citizen, key, value) {
    const space = this.space(citizen);
    space.version += 1;
    space.rows.set(key, { value: value === null ? null : copy(value), version: space.version, deleted: value === null });
  }

  row(citizen, key) {
    const found = this.space(citizen).rows.get(key);
    return found && !found.deleted ? copy(found.value) : null;
  }

  bindGroup(citizen, groupId) {
    const owner = this.groups.get(groupId);
    if (owner && owner !== citizen) throw new HttpError(403, 'client_group_forbidden');
  }

  push(citizen, body) {
    if (body.mutations.length > 100) throw new HttpError(413, 'batch_too_large', { count: body.mutations.length, max_mutations: 100 });
    this.bindGroup(citizen, body.client_group_id);
    const client = this.clients.get(body.client_id);
    if (client && client.group !== body.client_group_id) throw new HttpError(403, 'client_group_forbidden');
    this.groups.set(body.client_group_id, citizen);
    if (!client) this.clients.set(body.client_id, { group: body.client_group_id, last: 0 });
    const state = this.clients.get(body.client_id);
    const results = [];
    for (const m of body.mutations) {
      if (m.id <= state.last) {
        const stored = this.results.get(`${body.client_id}/${m.id}`);
        results.push(stored ? { id: m.id, status: 'rejected', error: stored } : { id: m.id, status: 'applied' });
        continue;
      }
      if (m.id > state.last + 1) throw new HttpError(409, 'mutation_gap', { last_mutation_id: state.last, got: m.id });
      const error = this.apply(citizen, m.name, m.args);
      state.last = m.id;
      this.journal.push({ citizen, clientId: body.client_id, id: m.id, name: m.name, args: copy(m.args), status: error ? 'rejected' : 'applied' });
      if (error) {
        this.results.set(`${body.client_id}/${m.id}`, error);
        this.write(citizen, `result/${body.client_id}/${m.id}`, { client_id: body.client_id, mutation_id: m.id, name: m.name, status: 'rejected', error });
        results.push({ id: m.id, status: 'rejected', error });
      } else {
        results.push({ id: m.id, status: 'applied' });
      }
    }
    return { last_mutation_id: state.last, results };
  }

  /** A mutation's effect, or the stored rejection's error. */
  apply(citizen, name, args) {
    const reject = (code, details = {}) => ({ code, message: code, message_en: code, details });
    const key = `application/${args.application_id}`;
    const app = this.row(citizen, key);
    if (name === 'application.create') {
      if (app) return app.service_id === args.service_id ? null : reject('application_id_unavailable');
      if (!String(args.service_id).startsWith('svc.')) return reject('service_not_found');
      this.write(citizen, key, { id: args.application_id, service_id: args.service_id, state: 'draft', reference: null, fields: {}, requirements: [{ code: 'ktp', document_id: null, review_status: 'pending', officer_note: null }, { code: 'kk', document_id: null, review_status: 'pending', officer_note: null }], discrepancies: [] });
      return null;
    }
    if (name === 'complaint.file') {
      // as server/complaints/mutations.py _photos: every photo is the citizen's, ready
      for (const id of args.photos) {
        if (this.row(citizen, `document/${id}`)?.status !== 'ready') return reject('document_not_ready', { document_id: id });
      }
      this.write(citizen, `complaint/${args.complaint_id}`, { id: args.complaint_id, text: args.text, photos: [...args.photos] });
      return null;
    }
    if (!app) return reject('application_not_found');
    const editable = app.state === 'draft' || app.state === 'revision_requested';
    if (name === 'application.set_fields') {
      if (!editable) return reject('application_locked', { state: app.state });
      const bad = Object.entries(args.fields).filter(([, v]) => v === 'INVALID').map(([k]) => k);
      if (bad.length) return reject('invalid_field_values', { fields: Object.fromEntries(bad.map((k) => [k, { code: 'wrong_type' }])) });
      for (const [k, v] of Object.entries(args.fields)) {
        if (v === null || v === '') delete app.fields[k];
        else app.fields[k] = v;
      }
    } else if (name === 'application.attach' || name === 'application.detach') {
      if (!editable) return reject('application_locked', { state: app.state });
      const requirement = app.requirements.find((r) => r.code === args.requirement_code);
      if (!requirement) return reject('requirement_not_found');
      if (name === 'application.attach') {
        const doc = this.row(citizen, `document/${args.document_id}`);
        if (!doc) return reject('document_not_found');
        if (doc.status === 'uploading') return reject('document_not_ready');
        if (doc.status === 'invalid') return reject('document_invalid', { reason: doc.reason });
      }
      requirement.document_id = name === 'application.attach' ? args.document_id : null;
    } else if (name === 'application.submit') {
      if (app.state !== 'draft') return reject('invalid_transition');
      const missing = app.requirements.filter((r) => !r.document_id).map((r) => ({ code: r.code, reason: 'no_document' }));
      if (missing.length) return reject('incomplete', { missing_fields: [], invalid_fields: {}, missing_requirements: missing });
      app.state = 'submitted';
    } else if (name === 'application.withdraw') {
      if (!['submitted', 'in_review', 'revision_requested'].includes(app.state)) return reject('invalid_transition');
      app.state = 'withdrawn';
    } else if (name === 'application.discard') {
      if (app.state !== 'draft') return reject('not_discardable');
      this.write(citizen, key, null);
      return null;
    } else {
      return reject('unknown_mutation');
    }
    this.write(citizen, key, app);
    return null;
  }

  pull(citizen, body) {
    this.bindGroup(citizen, body.client_group_id); // pull never binds, but refuses another's group
    const space = this.space(citizen);
    const cookie = body.cookie;
    const reset = cookie === null || cookie > space.version;
    const rows = [...space.rows.entries()].filter(([, r]) => reset ? !r.deleted : r.version > cookie);
    rows.sort((a, b) => a[1].version - b[1].version);
    const patch = [
      ...rows.filter(([, r]) => r.deleted).map(([key]) => ({ op: 'del', key })),
      ...rows.filter(([, r]) => !r.deleted).map(([key, r]) => ({ op: 'put', key, value: copy(r.value) })),
    ];
    const last = {};
    for (const [id, c] of this.clients) if (c.group === body.client_group_id) last[id] = c.last;
    return { cookie: space.version, reset, last_mutation_ids: last, patch };
  }

  /** The tus side, reduced: bytes land in steps; the document is ready when the bytes match sha256. */
  async upload(citizen, { documentId, bytes, sha256, contentType }) {
    if (!this.row(citizen, `document/${documentId}`)) {
      this.write(citizen, `document/${documentId}`, { id: documentId, status: 'uploading', reason: '', sha256, size: bytes.length, content_type: contentType, source: 'upload' });
    }
    const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes);
    const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
    const ok = hex === sha256 && bytes.length > 0;
    this.documents.set(documentId, { citizen, bytes });
    this.write(citizen, `document/${documentId}`, { ...this.row(citizen, `document/${documentId}`), status: ok ? 'ready' : 'invalid', reason: ok ? '' : 'Berkas rusak / The file is damaged' });
  }

  /** What a citizen's applications look like on the server (for convergence checks). */
  applications(citizen) {
    const out = {};
    for (const [key, r] of this.space(citizen).rows) if (key.startsWith('application/') && !r.deleted) out[r.value.id] = copy(r.value);
    return out;
  }
}
