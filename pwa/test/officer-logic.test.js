import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeOfficerT } from '../src/officer/i18n.js';
import {
  actionRequest,
  applicationButtons,
  canReject,
  fieldsForReview,
  freshFromStale,
  groupCode,
  normaliseSearch,
  otherReviewer,
  parseRoute,
  pickupForm,
  pickupPayload,
  queuePath,
  queueStates,
  reviewPayload,
  routeHref,
  slaLevel,
  slaText,
  ticketCode,
} from '../src/officer/logic.js';
import { ApiError } from '../src/api.js';

const id = makeOfficerT('id');
const en = makeOfficerT('en');

test('SLA levels: overdue red, today and tomorrow amber, later fine, none without a date', () => {
  assert.deepEqual([-3, -1, 0, 1, 2, 10].map(slaLevel), ['overdue', 'overdue', 'due', 'due', 'ok', 'ok']);
  assert.equal(slaLevel(null), 'none');
  assert.equal(slaLevel(undefined), 'none');
});

test('SLA in words, both languages, with the English singular', () => {
  assert.equal(slaText(id, -2), 'Lewat 2 hari kerja');
  assert.equal(slaText(id, 0), 'Hari ini');
  assert.equal(slaText(id, 3), '3 hari kerja lagi');
  assert.equal(slaText(en, 1), '1 working day left');
  assert.equal(slaText(en, -1), '1 working day overdue');
  assert.equal(slaText(en, 4), '4 working days left');
});

test('queue path leaves empty filters out and normalises the search', () => {
  assert.equal(queuePath(), '/api/officer/applications?limit=50');
  assert.equal(
    queuePath({ state: 'in_review', service: 'langsa.dukcapil.kk-baru', q: ' lgs-2025-00001 ' }),
    '/api/officer/applications?state=in_review&service=langsa.dukcapil.kk-baru&q=LGS-2025-00001&limit=50',
  );
  // The state is the server's to check (a 400 names it); the console sends what its tabs hold.
  assert.equal(queuePath({ state: '', offset: 50 }), '/api/officer/applications?limit=50&offset=50');
  assert.equal(normaliseSearch('1174 0145 0890 0001'), '1174014508900001');
});

test('queue tabs are the states the server publishes as the officer queue, in its order', () => {
  const published = {
    states: [
      { name: 'draft', officer_queue: false },
      { name: 'submitted', officer_queue: true },
      { name: 'in_review', officer_queue: true },
      { name: 'completed', officer_queue: false },
      { name: 'on_hold', officer_queue: true }, // a state the console never heard of
    ],
  };
  assert.deepEqual(queueStates(published), ['submitted', 'in_review', 'on_hold']);
  assert.deepEqual(queueStates(null), []);
});

test('every action posts the version the officer saw to the path the detail publishes', () => {
  const detail = {
    id: 'a1b2',
    version: 7,
    action_paths: {
      start_review: '/api/officer/applications/a1b2/start-review',
      review_requirement: '/api/officer/applications/a1b2/review',
      approve: '/api/officer/applications/a1b2/approve',
      mark_ready: '/x/somewhere-else',
    },
  };
  assert.deepEqual(actionRequest(detail, 'start_review'), { path: '/api/officer/applications/a1b2/start-review', body: { version: 7 } });
  assert.deepEqual(actionRequest(detail, 'review_requirement', reviewPayload('ktp', 'reject', { reason: 'blurry', note: ' ulangi ' })), {
    path: '/api/officer/applications/a1b2/review',
    body: { requirement: 'ktp', decision: 'reject', reason: 'blurry', note: 'ulangi', version: 7 },
  });
  // A payload cannot smuggle another version in.
  assert.equal(actionRequest(detail, 'approve', { version: 1 }).body.version, 7);
  // The server's path, whatever it is: the console keeps no table of its own.
  assert.equal(actionRequest(detail, 'mark_ready').path, '/x/somewhere-else');
  // Not published (not allowed now): refused before anything is sent.
  assert.throws(() => actionRequest(detail, 'complete'), /not allowed/);
  assert.throws(() => actionRequest({ id: 'a1b2', version: 7 }, 'approve'), /not allowed/);
});

test('accepting sends no reason; rejecting needs a template or words', () => {
  assert.deepEqual(reviewPayload('kk', 'accept', { reason: 'blurry', note: 'x' }), { requirement: 'kk', decision: 'accept', note: '' });
  assert.equal(canReject({ reason: '', note: '  ' }), false);
  assert.equal(canReject({ reason: 'expired', note: '' }), true);
  assert.equal(canReject({ reason: '', note: 'Halaman 2 tidak ada' }), true);
});

test('buttons come from allowed_actions; the likely one is primary', () => {
  const reqs = (...statuses) => statuses.map((s, i) => ({ code: `r${i}`, required: true, review_status: s, document: {} }));
  const inReview = ['request_revision', 'approve', 'reject', 'review_requirement', 'accept_discrepancy'];
  const names = (d) => applicationButtons(d).map((b) => `${b.action}${b.primary ? '*' : ''}${b.danger ? '!' : ''}`);
  assert.deepEqual(names({ allowed_actions: inReview, requirements: reqs('accepted', 'accepted') }), ['approve*', 'request_revision', 'reject!']);
  assert.deepEqual(names({ allowed_actions: inReview, requirements: reqs('accepted', 'rejected') }), ['approve', 'request_revision*', 'reject!']);
  assert.deepEqual(names({ allowed_actions: ['start_review'], requirements: [] }), ['start_review*']);
  assert.deepEqual(names({ allowed_actions: ['mark_ready'], requirements: [] }), ['mark_ready*']);
  assert.deepEqual(names({ allowed_actions: [], requirements: [] }), []);
  // complete belongs to the visit screen, never to the review's buttons
  assert.deepEqual(names({ allowed_actions: ['complete'], requirements: [] }), []);
});

test('the pickup form is prefilled from the suggestion and sends one original per line', () => {
  const form = pickupForm({ pickup: null, pickup_suggestion: { counter: 'Loket 3', hours: '08.00-15.00', bring: ['KTP asli', 'KK asli'], visit_date: null } });
  assert.deepEqual(form, { counter: 'Loket 3', hours: '08.00-15.00', bring: 'KTP asli\nKK asli', visit_date: '' });
  assert.deepEqual(pickupPayload({ ...form, bring: 'KTP asli\n\n  KK asli  \n' }), {
    pickup: { counter: 'Loket 3', hours: '08.00-15.00', bring: ['KTP asli', 'KK asli'] },
  });
  assert.equal(pickupPayload({ ...form, visit_date: '2030-01-02' }).pickup.visit_date, '2030-01-02');
});

test('another reviewer is named; oneself is not', () => {
  const detail = { reviewer: { id: '12', name: 'Petugas Rina', since: '2025-01-01T00:00:00Z' } };
  assert.equal(otherReviewer(detail, { id: 12 }), null);
  assert.equal(otherReviewer(detail, { id: 13 }), 'Petugas Rina');
  assert.equal(otherReviewer({ reviewer: null }, { id: 13 }), null);
});

test('a 409 stale yields the fresh application; other errors do not', () => {
  const fresh = { id: 'x', version: 9 };
  assert.equal(freshFromStale(new ApiError(409, 'stale', 'm', { application: fresh, version: 9 })), fresh);
  assert.equal(freshFromStale(new ApiError(409, 'invalid_transition', 'm', {})), null);
  assert.equal(freshFromStale(new ApiError(409, 'stale', 'm', {})), null);
  assert.equal(freshFromStale(null), null);
});

test('ticket codes: typed or scanned, dashes and case ignored, only the base32 alphabet', () => {
  assert.equal(ticketCode('k7qx-m2pa-9fhd-3wjr-tb6n'), null); // 9 is not base32
  assert.equal(ticketCode('k7qx-m2pa-3fhd-3wjr-tb6n'), 'K7QXM2PA3FHD3WJRTB6N');
  assert.equal(ticketCode(' K7QX M2PA 3FHD 3WJR TB6N '), 'K7QXM2PA3FHD3WJRTB6N');
  assert.equal(ticketCode('K7QXM2PA'), null);
  assert.equal(groupCode('K7QXM2PA3FHD3WJRTB6N'), 'K7QX-M2PA-3FHD-3WJR-TB6N');
});

test('fields that differ from the MPP record come first', () => {
  const f = (key, d) => ({ key, discrepancy: d ? { record_value: 'x' } : null });
  assert.deepEqual(fieldsForReview({ fields: [f('a'), f('b', true), f('c')] }).map((x) => x.key), ['b', 'a', 'c']);
});

test('routes round-trip; anything unknown is the queue', () => {
  const uuid = '0b6a3c1e-3c7d-4f7e-9a51-2f4b7c9d1e22';
  assert.deepEqual(parseRoute(`#/permohonan/${uuid}`), { name: 'review', id: uuid });
  assert.equal(routeHref(parseRoute(`#/permohonan/${uuid}`)), `#/permohonan/${uuid}`);
  assert.deepEqual(parseRoute('#/kunjungan'), { name: 'visit' });
  assert.deepEqual(parseRoute('#/permohonan/../../x'), { name: 'queue' });
  assert.deepEqual(parseRoute(''), { name: 'queue' });
});
