// A complaint's photos through the sync engine (engine.mutateWithPhotos over the IndexedDB
// store, fake-indexeddb): stored with the complaint in one transaction, uploaded, and
// complaint.file held until every photo is ready on the server, as the server requires.
import 'fake-indexeddb/auto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createEngine } from '../src/sync/engine/engine.js';
import { idbStore } from '../src/sync/adapters/idb-store.js';
import { FakeServer } from './fakes/fake-server.js';
import { FaultTransport, FaultUploader, seeded } from './fakes/fault-transport.js';
import { webLocks } from '../src/sync/adapters/web-locks.js';
import { MAX_PHOTOS, photoProblem } from '../src/views/complaint-photos.js';

let dbCounter = 0;
const noTimers = { setTimeout: () => 0, clearTimeout: () => {} };
const jpeg = (n) => new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, n, n, n])], { type: 'image/jpeg' });
const COMPLAINT = '11111111-1111-4111-8111-111111111111';
const args = { complaint_id: COMPLAINT, category: 'pengaduan', text: 'Loket tutup', anonymous: false, confidential: false, mpp: 'langsa' };

function setup({ hash } = {}) {
  const name = `complaint-photos-${dbCounter++}`;
  const server = new FakeServer();
  const transport = new FaultTransport(server, { citizen: 'citizen-1', random: seeded(1), faults: {} });
  const uploader = new FaultUploader(transport);
  let ids = 0;
  const newId = () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`;
  const make = (overrides = {}) =>
    createEngine({ store: idbStore({ name, newId }), transport, uploader, lock: webLocks(null), timers: noTimers, random: seeded(1), newId, ...(hash ? { hash } : {}), ...overrides });
  return { server, uploader, make };
}

describe('complaint photos', () => {
  it('keeps the photos with the complaint offline, uploads them, then files it with their ids', async () => {
    const { server, uploader, make } = setup();
    const engine = make();
    const ids = await engine.mutateWithPhotos('complaint.file', args, [jpeg(1), jpeg(2)]);
    assert.equal(ids.length, 2);
    // a second engine on the same database (the phone restarted offline): all still there
    const again = make();
    await again.start();
    again.stop();
    assert.equal(again.status.pendingMutations, 1);
    assert.equal(again.status.pendingUploads, 2);
    assert.deepEqual(again.view.queue[0].args.photos, ids);
    assert.equal(again.view.queue[0].held, true);
    assert.equal((await again.pages(ids[0]))[0].size, 7);
    await again.sync();
    assert.equal(uploader.calls.length, 2);
    assert.deepEqual(server.journal.map((j) => [j.name, j.status]), [['complaint.file', 'applied']]);
    assert.deepEqual(server.journal[0].args.photos, ids, 'the ids in the order taken');
    assert.equal(again.status.pendingMutations, 0);
    assert.equal(again.status.pendingUploads, 0);
    assert.equal(await again.pages(ids[1]), null, 'local copy dropped once filed');
  });

  it('holds complaint.file, and later steps of that complaint, while a photo is not ready', async () => {
    const { server, make } = setup();
    // no uploader: the photo never leaves the phone, so only the unrelated mutation goes
    const engine = make({ uploader: null });
    await engine.mutateWithPhotos('complaint.file', args, [jpeg(3)]);
    await engine.mutate('complaint.confirm', { complaint_id: COMPLAINT });
    await engine.mutate('survey.submit', { survey_id: 'x' });
    await engine.sync();
    assert.deepEqual(server.journal.map((j) => j.name), ['survey.submit']);
    assert.equal(engine.status.pendingMutations, 2);
    assert.equal(engine.status.pendingUploads, 1);
  });

  it('files the complaint without a photo the server found invalid, and shows that photo', async () => {
    const { server, make } = setup({ hash: async () => '0'.repeat(64) });
    const engine = make();
    const [doc] = await engine.mutateWithPhotos('complaint.file', args, [jpeg(4)]);
    await engine.sync();
    assert.deepEqual(server.journal.map((j) => [j.name, j.status, j.args.photos]), [['complaint.file', 'applied', []]]);
    assert.equal(engine.view.documents[doc].status, 'invalid');
    assert.equal(engine.status.failedUploads, 1);
  });

  it('refuses a file that is not a photo, and no more than the server takes', async () => {
    const engine = setup().make();
    await assert.rejects(engine.mutateWithPhotos('complaint.file', args, [new Blob(['%PDF'], { type: 'application/pdf' })]), /not a photo/);
    assert.equal(engine.status.pendingMutations, 0);
    assert.equal(MAX_PHOTOS, 3);
    assert.equal(photoProblem([jpeg(1), jpeg(2), jpeg(3)], { type: 'image/jpeg' }), 'complaint.photoTooMany');
    assert.equal(photoProblem([], { type: 'application/pdf' }), 'complaint.photoNotImage');
    assert.equal(photoProblem([jpeg(1)], { type: 'image/png' }), null);
  });
});
