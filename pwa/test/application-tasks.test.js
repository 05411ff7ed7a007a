import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { stateRules } from '../src/states.js';
import { fieldIssues, formState, historyOf, dataStatus, missingFields, requirementStatus, sortedApplications, taskList, todayWib, walletMatches } from '../src/application-tasks.js';

// The state machine as the server publishes it (held equal to sync/states.describe() by
// tests/unit/test_rule_vectors.py).
const published = JSON.parse(readFileSync(new URL('../../tests/vectors/states.json', import.meta.url), 'utf8'));
const states = stateRules(published);

const service = {
  code: 'langsa.imigrasi.paspor-baru',
  fields: [
    { key: 'full_name', type: 'text', required: true },
    { key: 'nik', type: 'nik', required: true },
    { key: 'purpose', type: 'text', required: false },
  ],
  requirements: [
    { code: 'ktp', document_type: 'ktp-el', required: true, formats: ['jpeg', 'png', 'webp', 'pdf'] },
    { code: 'kk', document_type: 'kk', required: true, formats: ['jpeg', 'pdf'] },
    { code: 'akta', document_type: 'akta-lahir', required: false },
  ],
};

function app(extra = {}) {
  return { id: 'a1', state: 'draft', fields: {}, requirements: [], ...extra };
}

describe('the form as a task', () => {
  it('is not started, in progress, then complete', () => {
    assert.equal(dataStatus(service, app()), 'not_started');
    assert.equal(dataStatus(service, app({ fields: { full_name: 'Siti' } })), 'in_progress');
    assert.deepEqual(missingFields(service, app({ fields: { full_name: 'Siti' } })), ['nik']);
    assert.equal(dataStatus(service, app({ fields: { full_name: 'Siti', nik: '1174011205900003' } })), 'complete');
  });
  it('counts blank text as missing', () => {
    assert.deepEqual(missingFields(service, app({ fields: { full_name: '   ', nik: '1' } })), ['full_name']);
  });
});

describe('a requirement as a task', () => {
  const ktp = service.requirements[0];
  it('is missing, then queued while only on the phone, then sent', () => {
    assert.equal(requirementStatus(ktp, app(), {}).state, 'missing');
    const withDoc = app({ requirements: [{ code: 'ktp', document_id: 'd1', review_status: 'pending' }] });
    assert.equal(requirementStatus(ktp, withDoc, { d1: { id: 'd1', status: 'local', upload: { status: 'pending' } } }).state, 'queued');
    assert.equal(requirementStatus(ktp, withDoc, { d1: { id: 'd1', status: 'uploading' } }).state, 'queued');
    assert.equal(requirementStatus(ktp, withDoc, { d1: { id: 'd1', status: 'ready' } }).state, 'sent');
  });
  it('says why an upload failed or a file is invalid', () => {
    const withDoc = app({ requirements: [{ code: 'ktp', document_id: 'd1', review_status: 'pending' }] });
    const failed = requirementStatus(ktp, withDoc, { d1: { id: 'd1', status: 'local', upload: { status: 'failed', error: 'too big' } } });
    assert.deepEqual([failed.state, failed.reason], ['failed', 'too big']);
    const invalid = requirementStatus(ktp, withDoc, { d1: { id: 'd1', status: 'invalid', reason: 'Gambar terpotong' } });
    assert.deepEqual([invalid.state, invalid.reason], ['invalid', 'Gambar terpotong']);
  });
  it('shows a rejection with the officer note until a new photo replaces it', () => {
    const rejected = app({ state: 'revision_requested', requirements: [{ code: 'ktp', document_id: 'd1', review_status: 'rejected', officer_note: 'Foto buram' }] });
    const docs = { d1: { id: 'd1', status: 'ready' } };
    const r = requirementStatus(ktp, rejected, docs);
    assert.deepEqual([r.state, r.note], ['rejected', 'Foto buram']);
    const replaced = app({ state: 'revision_requested', requirements: [{ code: 'ktp', document_id: 'd2', review_status: 'rejected', officer_note: 'Foto buram' }] });
    assert.equal(requirementStatus(ktp, replaced, { ...docs, d2: { id: 'd2', status: 'local' } }).state, 'queued');
    const resubmitted = app({ state: 'revision_requested', requirements: [{ code: 'ktp', document_id: 'd2', review_status: 'resubmitted' }] });
    assert.equal(requirementStatus(ktp, resubmitted, { d2: { id: 'd2', status: 'ready' } }).state, 'resubmitted');
  });
  it('is accepted when the officer says so', () => {
    const accepted = app({ state: 'in_review', requirements: [{ code: 'ktp', document_id: 'd1', review_status: 'accepted' }] });
    assert.equal(requirementStatus(ktp, accepted, { d1: { id: 'd1', status: 'ready' } }).state, 'accepted');
  });
});

describe('the task list', () => {
  it('allows submitting only when the data and every required document are there', () => {
    const docs = { d1: { id: 'd1', status: 'ready' }, d2: { id: 'd2', status: 'local' } };
    const partial = app({ fields: { full_name: 'Siti', nik: '1174011205900003' }, requirements: [{ code: 'ktp', document_id: 'd1' }] });
    let list = taskList(service, partial, docs, states);
    assert.equal(list.canSubmit, false);
    assert.deepEqual(list.blocking, ['kk']); // the optional akta does not block
    const full = app({ fields: partial.fields, requirements: [{ code: 'ktp', document_id: 'd1' }, { code: 'kk', document_id: 'd2' }] });
    list = taskList(service, full, docs, states);
    assert.equal(list.canSubmit, true); // a queued photo is sent before the submit
    assert.equal(taskList(service, { ...full, state: 'submitted' }, docs, states).canSubmit, false);
    assert.equal(taskList(service, { ...full, pending: { submit: true } }, docs, states).canSubmit, false);
  });
  it('lets the citizen edit in the states the published machine says, and no other', () => {
    const editable = published.states.filter((s) => s.citizen_editable).map((s) => s.name);
    assert.deepEqual(editable.sort(), ['draft', 'revision_requested']);
    for (const s of published.states) {
      assert.equal(taskList(service, app({ state: s.name }), {}, states).editable, s.citizen_editable, s.name);
    }
  });
});

describe('the wallet', () => {
  const kk = service.requirements[1];
  const docs = {
    ok: { id: 'ok', document_type: 'kk', status: 'ready', verified_at: '2026-01-01T00:00:00.000Z', expires_on: null, content_type: 'image/jpeg' },
    expired: { id: 'expired', document_type: 'kk', status: 'ready', verified_at: '2025-01-01T00:00:00.000Z', expires_on: '2026-11-23', content_type: 'image/jpeg' },
    unverified: { id: 'unverified', document_type: 'kk', status: 'ready', verified_at: null, content_type: 'image/jpeg' },
    webp: { id: 'webp', document_type: 'kk', status: 'ready', verified_at: '2026-01-01T00:00:00.000Z', content_type: 'image/webp' },
    other: { id: 'other', document_type: 'ktp-el', status: 'ready', verified_at: '2026-01-01T00:00:00.000Z', content_type: 'image/jpeg' },
  };
  it('offers only verified, unexpired documents of the type and an allowed format', () => {
    assert.deepEqual(walletMatches(kk, docs, '2026-11-23').map((d) => d.id), ['ok']);
    assert.deepEqual(walletMatches(kk, docs, '2026-11-22').map((d) => d.id).sort(), ['expired', 'ok']);
  });
  it('counts days in WIB', () => {
    assert.equal(todayWib(Date.UTC(2026, 10, 23, 17, 0)), '2026-11-24'); // 00:00 WIB
    assert.equal(todayWib(Date.UTC(2026, 10, 23, 16, 59)), '2026-11-23');
  });
});

describe('my applications', () => {
  it('lists the newest first, unsent ones on top', () => {
    const list = sortedApplications({
      a: { id: 'a', updated_at: '2026-11-01T00:00:00.000Z' },
      b: { id: 'b', updated_at: '2026-11-20T00:00:00.000Z' },
      c: { id: 'c', updated_at: null, created_at: null },
    });
    assert.deepEqual(list.map((x) => x.id), ['c', 'b', 'a']);
  });
});

describe('the history', () => {
  it('is in time order, whatever order the messages arrived in', () => {
    const a = app({ created_at: '2026-01-01T01:00:00', submitted_at: '2026-01-05T09:00:00' }); // resubmitted last
    const notifications = [
      { id: 'n2', application_id: 'a1', created_at: '2026-01-04T08:00:00', kind: 'state' },
      { id: 'n1', application_id: 'a1', created_at: '2026-01-02T08:00:00', kind: 'state' },
      { id: 'x', application_id: 'other', created_at: '2026-01-03T08:00:00', kind: 'state' },
    ];
    const kinds = historyOf(a, notifications).map((e) => (e.kind === 'notification' ? e.notification.id : e.kind));
    assert.deepEqual(kinds, ['created', 'n1', 'n2', 'submitted']);
  });
});

describe('the form as the citizen sees it', () => {
  const form = { fields: [{ key: 'kk', type: 'text', required: true, validation: { pattern: '^[0-9]{16}$' } }], requirements: [] };
  it('keeps the value the server refused, with its reason, and needs fixing (not "not started")', () => {
    const rejections = [{ key: 'r1', application_id: 'a1', details: { fields: { kk: { code: 'pattern_mismatch', message: 'Format isian tidak sesuai.', message_en: 'x' } } }, fields: { kk: '1174010101240009' } }];
    const state = formState(form, app(), {}, rejections);
    assert.equal(state.texts.kk, '1174010101240009');
    assert.equal(state.issues.kk.code, 'pattern_mismatch');
    assert.equal(state.issues.kk.server, true);
    assert.deepEqual(state.missing, []);
    const list = taskList(form, app(), {}, states, state);
    assert.equal(list.data, 'needs_fix');
    assert.equal(list.canSubmit, false);
  });
  it('drops the server\'s word once the citizen changed the text, and checks it on the phone', () => {
    const refused = { kk: { value: '1174010101240009', problem: { code: 'pattern_mismatch' }, rejection: 'r1' } };
    assert.deepEqual(fieldIssues(form, { kk: '9174010101240009' }, refused), {});
    assert.equal(fieldIssues(form, { kk: '123' }, refused).kk.code, 'pattern_mismatch');
  });
  it('shows a draft over the stored value', () => {
    assert.equal(formState(form, app({ fields: { kk: '1' } }), { kk: '12' }, []).texts.kk, '12');
  });
});
