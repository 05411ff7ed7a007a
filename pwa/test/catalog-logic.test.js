import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  catalogErrors,
  changedItems,
  debouncer,
  diffDocs,
  errorsFromDetails,
  fieldId,
  getIn,
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
} from '../src/officer/catalog-logic.js';

const STANDARD = {
  code: 'dukcapil.kk-baru',
  sla_days: 3,
  fee: 0,
  procedure: [{ id: 'Isi formulir', en: 'Fill in the form' }],
  fields: [{ key: 'nik', type: 'nik', label_id: 'NIK', label_en: 'NIK', required: true }],
  requirements: [
    { code: 'ktp', document_type: 'ktp', title_id: 'KTP-el', title_en: 'KTP-el', required: true, formats: ['jpeg', 'pdf'] },
    { code: 'kk_lama', document_type: 'kk', title_id: 'KK lama', title_en: 'Old KK', required: true, formats: ['jpeg'] },
  ],
};

test("paths read and write in the loader's own spelling", () => {
  assert.deepEqual(parsePath('service_standards[3].requirements[1].document_type'), ['service_standards', 3, 'requirements', 1, 'document_type']);
  assert.deepEqual(parsePath('mpp.visits.hours[0].breaks[1]'), ['mpp', 'visits', 'hours', 0, 'breaks', 1]);
  assert.deepEqual(parsePath('service_standards.4.requirements.1.document_type'), ['service_standards', 4, 'requirements', 1, 'document_type']);
  assert.deepEqual(parsePath(''), []);
  assert.equal(pathString(['service_standards', 3, 'requirements', 1, 'document_type']), 'service_standards[3].requirements[1].document_type');
  assert.equal(pathString('mpp.holidays[2].date'), 'mpp.holidays[2].date');
  assert.equal(fieldId('requirements[1].document_type'), 'cat-requirements-1-document_type');
  assert.equal(fieldId(['mpp', 'visits', 'booking_window', 'min_days']), 'cat-mpp-visits-booking_window-min_days');
  assert.ok(isPrefix('requirements[1]', 'requirements[1].title_id'));
  assert.ok(isPrefix('requirements[1]', 'requirements[1]'));
  assert.ok(!isPrefix('requirements[1]', 'requirements[10].code'));
});

test('setIn writes a copy, sharing untouched branches; undefined removes a key', () => {
  const doc = { standard: STANDARD, other: { a: 1 } };
  const next = setIn(doc, 'standard.requirements[1].title_id', 'Kartu Keluarga lama');
  assert.equal(getIn(next, 'standard.requirements[1].title_id'), 'Kartu Keluarga lama');
  assert.equal(doc.standard.requirements[1].title_id, 'KK lama', 'the original is untouched');
  assert.equal(next.other, doc.other);
  assert.equal(next.standard.requirements[0], doc.standard.requirements[0]);
  const without = setIn(next, 'standard.fee', undefined);
  assert.ok(!('fee' in without.standard));
  assert.deepEqual(setIn({}, 'a[0].b', 1), { a: [{ b: 1 }] });
  assert.equal(getIn(doc, 'standard.nothing.deeper'), undefined);
});

test('list edits: insert, remove, move keep the rest in order', () => {
  let doc = { requirements: [...STANDARD.requirements] };
  doc = insertAt(doc, 'requirements', { code: 'surat' });
  assert.deepEqual(doc.requirements.map((r) => r.code), ['ktp', 'kk_lama', 'surat']);
  doc = insertAt(doc, 'requirements', { code: 'foto' }, 0);
  assert.deepEqual(doc.requirements.map((r) => r.code), ['foto', 'ktp', 'kk_lama', 'surat']);
  doc = moveItem(doc, 'requirements', 0, 2);
  assert.deepEqual(doc.requirements.map((r) => r.code), ['ktp', 'kk_lama', 'foto', 'surat']);
  assert.equal(moveItem(doc, 'requirements', 0, 9), doc, 'a move off the end changes nothing');
  doc = removeAt(doc, 'requirements', 1);
  assert.deepEqual(doc.requirements.map((r) => r.code), ['ktp', 'foto', 'surat']);
  assert.deepEqual(insertAt({}, 'holidays', { date: '2026-12-17' }), { holidays: [{ date: '2026-12-17' }] });
});

test('input values: integers stay numbers, wrong text goes to the server as typed', () => {
  assert.equal(integerValue(' 14 '), 14);
  assert.equal(integerValue(''), undefined);
  assert.equal(integerValue('3.5'), '3.5');
  assert.equal(integerValue('-1'), -1);
  assert.equal(numberValue('2,5'), 2.5);
  assert.equal(numberValue('x'), 'x');
  assert.equal(optionalText('  '), undefined);
  assert.equal(optionalText('Gratis'), 'Gratis');
});

test('errors land on the deepest input that edits their path, the first in screen order', () => {
  const known = [
    'requirements',
    'requirements[0]',
    'requirements[0].code',
    'requirements[0].document_type',
    'requirements[1]',
    'requirements[1].code',
    'requirements[1].document_type',
    'sla_days',
  ];
  const errors = [
    { path: 'sla_days', message: 'Harus bilangan bulat.' },
    { path: 'requirements.1.document_type', message: "jenis dokumen 'ktpp' tidak dikenal" },
    { path: 'requirements[1].formats', message: 'format ganda' }, // no input of its own: the group
    { path: 'code', message: 'kode ganda' }, // on no input here
  ];
  const placed = placeErrors(errors, known);
  assert.deepEqual(placed.byPath['requirements[1].document_type'], ["jenis dokumen 'ktpp' tidak dikenal"]);
  assert.deepEqual(placed.byPath['requirements[1]'], ['format ganda']);
  assert.deepEqual(placed.byPath.sla_days, ['Harus bilangan bulat.']);
  assert.deepEqual(placed.general, [{ path: 'code', message: 'kode ganda' }]);
  assert.equal(placed.first, 'requirements[1]', 'the group comes before its inputs on screen');
  assert.ok(!('requirements[10]' in placed.byPath));
});

test('errors of a whole file are placed on the part being edited (a prefix stripped)', () => {
  const placed = placeErrors(
    [{ path: 'service_standards[3].requirements[0].title_id', message: 'wajib diisi' }],
    ['requirements[0].title_id'],
    'service_standards[3]',
  );
  assert.deepEqual(placed.byPath, { 'requirements[0].title_id': ['wajib diisi'] });
  assert.equal(placed.first, 'requirements[0].title_id');
  assert.deepEqual(placeErrors([], ['x']), { byPath: {}, general: [], first: null });
});

test("errors come out of either details shape: the loader's list or webargs' fields", () => {
  const apiErrors = [
    { path: 'service_standards.4.requirements.1.document_type', code: 'unknown_document_type', message: "Jenis dokumen 'ktpp' tidak dikenal.", message_en: "unknown document type 'ktpp'" },
    null,
  ];
  assert.deepEqual(errorsFromDetails({ errors: apiErrors }), [
    { path: 'service_standards[4].requirements[1].document_type', code: 'unknown_document_type', message: "Jenis dokumen 'ktpp' tidak dikenal." },
  ]);
  assert.equal(errorsFromDetails({ errors: apiErrors }, 'en')[0].message, "unknown document type 'ktpp'");
  assert.equal(catalogErrors([{ path: '', message: 'Berkas rusak.' }], 'en')[0].message, 'Berkas rusak.', 'no English: the Indonesian');
  assert.deepEqual(
    errorsFromDetails({ fields: { json: { standard: { requirements: { 1: { title_id: ['Wajib diisi.'] } } } } } }),
    [{ path: 'standard.requirements[1].title_id', message: 'Wajib diisi.' }],
  );
  assert.deepEqual(errorsFromDetails(null), []);
  assert.deepEqual(errorsFromDetails({ code: 'x' }), []);
});

test('a draft against the published catalog: leaves changed, items added and removed by code', () => {
  const draft = structuredClone(STANDARD);
  draft.requirements[1].title_id = 'Kartu Keluarga lama';
  draft.sla_days = 5;
  draft.requirements.push({ code: 'surat', document_type: 'surat', title_id: 'Surat', title_en: 'Letter', required: false, formats: ['pdf'] });
  draft.requirements.splice(0, 1); // ktp removed
  const changes = diffDocs(STANDARD, draft);
  const byKind = (kind) => changes.filter((c) => c.kind === kind).map((c) => c.path);
  assert.deepEqual(byKind('changed').sort(), ['requirements[0].title_id', 'sla_days']);
  assert.deepEqual(byKind('removed'), ['requirements[0]']);
  assert.deepEqual(byKind('added'), ['requirements[1]']);
  assert.equal(changes.find((c) => c.kind === 'removed').before.code, 'ktp');
  assert.deepEqual(diffDocs(STANDARD, structuredClone(STANDARD)), []);
});

test('a reordering is one "moved" change; plain lists change as a whole', () => {
  const draft = structuredClone(STANDARD);
  draft.requirements.reverse();
  draft.requirements[0].formats = ['pdf'];
  const changes = diffDocs(STANDARD, draft);
  assert.deepEqual(changes.map((c) => [c.kind, c.path]), [
    ['changed', 'requirements[0].formats'],
    ['moved', 'requirements'],
  ]);
  const steps = diffDocs({ procedure: [{ id: 'a', en: 'a' }] }, { procedure: [{ id: 'b', en: 'a' }, { id: 'c', en: 'c' }] });
  assert.deepEqual(steps.map((c) => [c.kind, c.path]), [['changed', 'procedure[0].id'], ['added', 'procedure[1]']]);
});

test('changes grouped per item changed', () => {
  const groups = changedItems([
    { path: 'service_standards[2].requirements[1].title_id', kind: 'changed' },
    { path: 'service_standards[2].sla_days', kind: 'changed' },
    { path: 'mpp.holidays[0]', kind: 'added' },
    { path: 'mpp.name', kind: 'changed' },
  ]);
  assert.deepEqual(groups.map((g) => [g.path, g.changes.length]), [
    ['service_standards[2]', 2],
    ['mpp.holidays[0]', 1],
    ['mpp.name', 1],
  ]);
});

function memoryStorage() {
  const map = new Map();
  return {
    getItem: (k) => (map.has(k) ? map.get(k) : null),
    setItem: (k, v) => map.set(k, String(v)),
    removeItem: (k) => map.delete(k),
    map,
  };
}

test('the device keeps the draft under its scope; broken or blocked storage is no draft', () => {
  const storage = memoryStorage();
  const store = localDraft(storage, 'mpp:langsa');
  assert.equal(store.load(), null);
  assert.ok(store.save({ doc: { a: 1 }, base: 4, dirty: true }));
  assert.deepEqual(localDraft(storage, 'mpp:langsa').load(), { doc: { a: 1 }, base: 4, dirty: true });
  assert.equal(localDraft(storage, 'national').load(), null);
  storage.setItem(store.key, '{not json');
  assert.equal(store.load(), null);
  store.clear();
  assert.equal(storage.map.size, 0);
  const blocked = {
    getItem() {
      throw new Error('SecurityError');
    },
    setItem() {
      throw new Error('QuotaExceededError');
    },
    removeItem() {
      throw new Error('SecurityError');
    },
  };
  const b = localDraft(blocked, 'x');
  assert.equal(b.load(), null);
  assert.equal(b.save({ doc: {} }), false);
  b.clear();
});

test('opening: unsent edits on the same revision are pushed; on a replaced one they are a conflict', () => {
  const server = { doc: { sla_days: 3 }, revision: 7 };
  assert.deepEqual(reconcileDraft(server, null), { doc: server.doc, base: 7, push: false, conflict: false });
  assert.deepEqual(reconcileDraft(server, { doc: { sla_days: 9 }, base: 7, dirty: false }), { doc: server.doc, base: 7, push: false, conflict: false });
  assert.deepEqual(reconcileDraft(server, { doc: { sla_days: 9 }, base: 7, dirty: true }), { doc: { sla_days: 9 }, base: 7, push: true, conflict: false });
  assert.deepEqual(reconcileDraft(server, { doc: { sla_days: 3 }, base: 7, dirty: true }), { doc: { sla_days: 3 }, base: 7, push: false, conflict: false });
  assert.deepEqual(reconcileDraft(server, { doc: { sla_days: 9 }, base: 6, dirty: true }), { doc: server.doc, base: 7, push: false, conflict: true });
});

test('the debouncer saves once after the last edit, or at once on flush', () => {
  const calls = [];
  const timers = [];
  const fake = {
    setTimeout: (fn) => timers.push(fn) - 1,
    clearTimeout: (i) => {
      timers[i] = null;
    },
  };
  const d = debouncer(500, (x) => calls.push(x), fake);
  d.schedule(1);
  d.schedule(2);
  assert.ok(d.pending);
  timers.filter(Boolean).forEach((fn) => fn());
  assert.deepEqual(calls, [2]);
  d.schedule(3);
  d.flush();
  assert.deepEqual(calls, [2, 3]);
  d.flush();
  assert.deepEqual(calls, [2, 3], 'nothing pending, nothing saved');
  d.schedule(4);
  d.cancel();
  timers.filter(Boolean).forEach((fn) => fn());
  assert.deepEqual(calls, [2, 3]);
});

test('a draft made again on what someone published meanwhile keeps both sets of changes', () => {
  const base = structuredClone(STANDARD);
  const mine = structuredClone(STANDARD);
  mine.requirements[1].title_id = 'Kartu Keluarga asal'; // mine
  mine.requirements.push({ code: 'surat', document_type: 'surat', title_id: 'Surat', title_en: 'Letter', required: false, formats: ['pdf'] });
  mine.fields = []; // the nik field removed
  const fresh = structuredClone(STANDARD);
  fresh.sla_days = 7; // theirs
  fresh.requirements.unshift({ code: 'foto', document_type: 'foto', title_id: 'Pas foto', title_en: 'Photo', required: true, formats: ['jpeg'] });
  const { doc, applied, skipped } = rebaseDraft(base, mine, fresh);
  assert.equal(doc.sla_days, 7, 'their change stays');
  assert.deepEqual(doc.requirements.map((r) => r.code), ['foto', 'ktp', 'kk_lama', 'surat']);
  assert.equal(doc.requirements[2].title_id, 'Kartu Keluarga asal', 'mine lands on the same requirement, found by its code');
  assert.deepEqual(doc.fields, []);
  assert.equal(applied.length, 3);
  assert.deepEqual(skipped, []);
  assert.equal(fresh.requirements.length, 3, 'nothing changed in place');
});

test('a change that meets someone else\'s is left out and reported, never undoing theirs', () => {
  const base = structuredClone(STANDARD);
  const mine = structuredClone(STANDARD);
  mine.sla_days = 5;
  mine.requirements[0].title_id = 'KTP pemohon';
  mine.requirements.reverse();
  const fresh = structuredClone(STANDARD);
  fresh.sla_days = 7; // the same value changed there
  fresh.requirements.splice(0, 1); // the ktp requirement gone there
  const { doc, skipped } = rebaseDraft(base, mine, fresh);
  assert.equal(doc.sla_days, 7);
  assert.deepEqual(doc.requirements.map((r) => r.code), ['kk_lama']);
  assert.deepEqual(skipped.map((c) => [c.kind, c.path]).sort(), [
    ['changed', 'requirements[1].title_id'],
    ['changed', 'sla_days'],
    ['moved', 'requirements'],
  ]);
  const same = rebaseDraft(base, structuredClone(base), fresh);
  assert.deepEqual(same.doc, fresh);
  assert.equal(same.applied.length + same.skipped.length, 0);
});
