// What an officer typed or photographed for a walk-in and the server does not hold yet
// (pwa/src/officer/views/walk-in-drafts.js): kept per officer and walk-in, read back, gone
// once the server has it or the day is over; photos in IndexedDB (fake-indexeddb).
import 'fake-indexeddb/auto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  DRAFT_TTL_MS, WALK_IN_DRAFT_PREFIX, clearWalkInDraft, draftKey, forgetOfficerWalkIns, forgetPhoto, forgetWalkInPhotos, idbPhotoStore, keepPhoto, pruneWalkInDrafts, readWalkInDraft, restoreStart, startDraft, unsavedValues, waitingPhotos, writeWalkInDraft,
} from '../src/officer/views/walk-in-drafts.js';

function memoryStorage() {
  const items = new Map();
  return {
    getItem: (k) => (items.has(k) ? items.get(k) : null),
    setItem: (k, v) => items.set(k, String(v)),
    removeItem: (k) => items.delete(k),
    key: (i) => [...items.keys()][i] ?? null,
    get length() {
      return items.size;
    },
    items,
  };
}

const T0 = 1_800_000_000_000;
const EMPTY = { service_id: '', phone: '', code: '', no_phone: false, note: '', nik: '', birth_date: '', sex: '', full_name: '' };

describe('a walk-in draft', () => {
  it('is kept per officer and walk-in and read back', () => {
    const storage = memoryStorage();
    writeWalkInDraft(storage, 7, null, { nik: '1174' }, T0);
    writeWalkInDraft(storage, 7, 'w1', { address: 'Jl. Teuku Umar' }, T0);
    writeWalkInDraft(storage, 8, null, { nik: '9' }, T0);
    assert.deepEqual(readWalkInDraft(storage, 7, null, T0 + 1), { nik: '1174' });
    assert.deepEqual(readWalkInDraft(storage, 7, 'w1', T0 + 1), { address: 'Jl. Teuku Umar' });
    assert.deepEqual(readWalkInDraft(storage, 8, null, T0 + 1), { nik: '9' });
    assert.deepEqual(readWalkInDraft(storage, 8, 'w1', T0 + 1), {}); // another officer's
    assert.equal(draftKey(7, null), `${WALK_IN_DRAFT_PREFIX}7.new`);
  });
  it('leaves nothing behind once empty or cleared', () => {
    const storage = memoryStorage();
    writeWalkInDraft(storage, 7, 'w1', { a: '1' }, T0);
    writeWalkInDraft(storage, 7, 'w1', {}, T0);
    assert.equal(storage.items.size, 0);
    writeWalkInDraft(storage, 7, 'w1', { a: '1' }, T0);
    clearWalkInDraft(storage, 7, 'w1');
    assert.equal(storage.items.size, 0);
  });
  it('is dropped after the day: read as nothing and removed', () => {
    const storage = memoryStorage();
    writeWalkInDraft(storage, 7, 'w1', { a: '1' }, T0);
    assert.deepEqual(readWalkInDraft(storage, 7, 'w1', T0 + DRAFT_TTL_MS - 1), { a: '1' });
    assert.deepEqual(readWalkInDraft(storage, 7, 'w1', T0 + DRAFT_TTL_MS), {});
    assert.equal(storage.items.size, 0);
  });
  it('prunes every officer\'s old or damaged drafts, and nothing else', () => {
    const storage = memoryStorage();
    writeWalkInDraft(storage, 7, 'old', { a: '1' }, T0);
    writeWalkInDraft(storage, 8, 'fresh', { a: '1' }, T0 + DRAFT_TTL_MS);
    storage.setItem(`${WALK_IN_DRAFT_PREFIX}9.new`, '{not json');
    storage.setItem('sd.mpp', 'langsa');
    pruneWalkInDrafts(storage, T0 + DRAFT_TTL_MS + 5);
    assert.deepEqual([...storage.items.keys()].sort(), ['sd.mpp', `${WALK_IN_DRAFT_PREFIX}8.fresh`]);
  });
  it('reads a damaged entry, or no storage at all, as nothing', () => {
    const storage = memoryStorage();
    storage.setItem(draftKey(7, 'a'), '{not json');
    storage.setItem(draftKey(7, 'b'), '[1,2]');
    storage.setItem(draftKey(7, 'c'), JSON.stringify({ at: T0, values: [1] }));
    for (const id of ['a', 'b', 'c']) assert.deepEqual(readWalkInDraft(storage, 7, id, T0), {});
    assert.deepEqual(readWalkInDraft(null, 7, 'a', T0), {});
    writeWalkInDraft(null, 7, 'a', { a: '1' }, T0); // no storage: nothing thrown
    pruneWalkInDrafts(null, T0);
  });
});

describe('the start form', () => {
  it('keeps what identifies the citizen, never the one-time code', () => {
    const form = { ...EMPTY, service_id: 's', nik: '1174', phone: '0812', code: '123456', no_phone: false };
    assert.deepEqual(startDraft(form), { service_id: 's', nik: '1174', phone: '0812' });
  });
  it('keeps nothing for a form holding only the default service', () => {
    assert.deepEqual(startDraft({ ...EMPTY, service_id: 's' }), {});
    assert.deepEqual(startDraft({ ...EMPTY, no_phone: true }), { no_phone: true });
  });
  it('comes back as it was; a ticket\'s service wins', () => {
    const draft = { service_id: 'a', nik: '1174', no_phone: true, note: 'HP anak', code: '999' };
    assert.deepEqual(restoreStart(EMPTY, draft, ''), { ...EMPTY, service_id: 'a', nik: '1174', no_phone: true, note: 'HP anak' });
    assert.equal(restoreStart(EMPTY, draft, 'b').service_id, 'b');
    assert.deepEqual(restoreStart(EMPTY, {}, ''), EMPTY);
  });
});

describe('the application form', () => {
  it('keeps only what differs from the server', () => {
    const server = { address: 'Jl. A', member_count: 2, reason: '', nik: '1174' };
    assert.deepEqual(unsavedValues({ address: 'Jl. A', member_count: '2', reason: '', nik: '1174' }, server), {});
    assert.deepEqual(unsavedValues({ address: 'Jl. AB', member_count: '3', reason: 'baru', nik: '1174' }, server), { address: 'Jl. AB', member_count: '3', reason: 'baru' });
    assert.deepEqual(unsavedValues({ address: '' }, server), { address: '' }); // a cleared field is a change
    assert.deepEqual(unsavedValues({ email: '' }, server), {});
  });
});

describe('a photo kept until attached', () => {
  let n = 0;
  const blob = (b) => new Blob([new Uint8Array([0xff, 0xd8, b])], { type: 'image/jpeg' });
  it('is read back for its officer and walk-in, by requirement, with its bytes', async () => {
    const store = idbPhotoStore({ name: `walk-in-photos-${n++}` });
    assert.equal(await keepPhoto(store, { officerId: 7, walkInId: 'w1', requirement: 'ktp', documentId: 'd1', blob: blob(1), sha256: 'aa' }, T0), true);
    await keepPhoto(store, { officerId: 7, walkInId: 'w1', requirement: 'kk', documentId: 'd2', blob: blob(2), sha256: 'bb' }, T0);
    await keepPhoto(store, { officerId: 8, walkInId: 'w1', requirement: 'ktp', documentId: 'd3', blob: blob(3), sha256: 'cc' }, T0);
    const waiting = await waitingPhotos(store, 7, 'w1', T0 + 1);
    assert.deepEqual(Object.keys(waiting).sort(), ['kk', 'ktp']);
    assert.equal(waiting.ktp.documentId, 'd1');
    assert.deepEqual([...new Uint8Array(await waiting.ktp.blob.arrayBuffer())], [0xff, 0xd8, 1]);
    // a retake replaces the photo for the requirement
    await keepPhoto(store, { officerId: 7, walkInId: 'w1', requirement: 'ktp', documentId: 'd4', blob: blob(4), sha256: 'dd' }, T0);
    assert.equal((await waitingPhotos(store, 7, 'w1', T0 + 1)).ktp.documentId, 'd4');
    await forgetPhoto(store, 7, 'w1', 'ktp');
    assert.deepEqual(Object.keys(await waitingPhotos(store, 7, 'w1', T0 + 1)), ['kk']);
    await forgetWalkInPhotos(store, 7, 'w1');
    assert.deepEqual(await waitingPhotos(store, 7, 'w1', T0 + 1), {});
    assert.deepEqual(Object.keys(await waitingPhotos(store, 8, 'w1', T0 + 1)), ['ktp']);
  });
  it('goes after the day', async () => {
    const store = idbPhotoStore({ name: `walk-in-photos-${n++}` });
    await keepPhoto(store, { officerId: 7, walkInId: 'w1', requirement: 'ktp', documentId: 'd1', blob: blob(1), sha256: 'aa' }, T0);
    assert.deepEqual(await waitingPhotos(store, 7, 'w1', T0 + DRAFT_TTL_MS), {});
    assert.deepEqual(await store.all(), []);
  });
  it('goes with everything else the officer kept when they sign out, and only theirs', async () => {
    const storage = memoryStorage();
    const store = idbPhotoStore({ name: `walk-in-photos-${n++}` });
    writeWalkInDraft(storage, 7, null, { nik: '1174' }, T0);
    writeWalkInDraft(storage, 7, 'w1', { address: 'Jl. Teuku Umar' }, T0);
    writeWalkInDraft(storage, 70, 'w2', { nik: '70' }, T0); // officer 70: not a prefix match
    storage.setItem('sd.lang', 'id');
    await keepPhoto(store, { officerId: 7, walkInId: 'w1', requirement: 'ktp', documentId: 'd1', blob: blob(1), sha256: 'aa' }, T0);
    await keepPhoto(store, { officerId: 70, walkInId: 'w2', requirement: 'ktp', documentId: 'd2', blob: blob(2), sha256: 'bb' }, T0);
    await forgetOfficerWalkIns(storage, store, 7);
    assert.deepEqual(readWalkInDraft(storage, 7, null, T0 + 1), {});
    assert.deepEqual(readWalkInDraft(storage, 7, 'w1', T0 + 1), {});
    assert.deepEqual(readWalkInDraft(storage, 70, 'w2', T0 + 1), { nik: '70' });
    assert.equal(storage.getItem('sd.lang'), 'id');
    assert.deepEqual((await store.all()).map((p) => p.officerId), [70]);
  });
  it('is simply not kept without IndexedDB', async () => {
    const store = idbPhotoStore({ indexedDB: null });
    assert.equal(await keepPhoto(store, { officerId: 7, walkInId: 'w1', requirement: 'ktp', documentId: 'd1', blob: blob(1), sha256: 'aa' }, T0), false);
    assert.deepEqual(await waitingPhotos(store, 7, 'w1', T0), {});
  });
});

describe('the photo database', () => {
  it('gets its store even when an empty database of that name was made first', async () => {
    const name = 'walk-in-photos-empty-first';
    await new Promise((ok, fail) => {
      const r = indexedDB.open(name); // version 1, no store
      r.onsuccess = () => ok(r.result.close());
      r.onerror = () => fail(r.error);
    });
    const store = idbPhotoStore({ name });
    assert.equal(await keepPhoto(store, { officerId: 7, walkInId: 'w1', requirement: 'ktp', documentId: 'd1', blob: new Blob([new Uint8Array([1])]), sha256: 'aa' }, T0), true);
    assert.deepEqual(Object.keys(await waitingPhotos(store, 7, 'w1', T0 + 1)), ['ktp']);
  });
});
