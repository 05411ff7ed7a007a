import 'fake-indexeddb/auto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createEngine } from '../src/sync/engine/engine.js';
import { idbStore } from '../src/sync/adapters/idb-store.js';
import { FakeServer } from './fakes/fake-server.js';
import { FaultTransport, FaultUploader, seeded } from './fakes/fault-transport.js';
import { webLocks } from '../src/sync/adapters/web-locks.js';

let dbCounter = 0;
const noTimers = { setTimeout: () => 0, clearTimeout: () => {} }; // tests drive sync() themselves

function setup({ faults, seed = 1, citizen = 'citizen-1' } = {}) {
  const name = `sync-test-${dbCounter++}`;
  const server = new FakeServer();
  const random = seeded(seed);
  const transport = new FaultTransport(server, { citizen, random, faults });
  const uploader = new FaultUploader(transport);
  const lock = webLocks(null); // the page-only fallback (no Web Locks API), shared by the "tabs"
  let ids = 0;
  const newId = () => `00000000-0000-4000-8000-${String(++ids + seed * 1000).padStart(12, '0')}`;
  const make = (overrides = {}) =>
    createEngine({ store: idbStore({ name, newId }), transport, uploader, lock, timers: noTimers, random, newId, ...overrides });
  return { server, transport, uploader, lock, make, name, newId };
}

const jpeg = (n) => new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, n, n, n])], { type: 'image/jpeg' });

describe('sync engine', () => {
  it('sends an edit once, in order, and shows it before and after', async () => {
    const { server, make } = setup();
    const engine = make();
    await engine.start();
    engine.stop();
    const id = await engine.createApplication('svc.paspor');
    await engine.setFields(id, { name: 'Siti' });
    assert.equal(engine.view.applications[id].fields.name, 'Siti');
    assert.equal(engine.status.pendingMutations, 2);
    await engine.sync();
    assert.equal(engine.status.pendingMutations, 0);
    assert.deepEqual(server.journal.map((j) => [j.id, j.name]), [[1, 'application.create'], [2, 'application.set_fields']]);
    assert.equal(engine.view.applications[id].fields.name, 'Siti');
    assert.equal(engine.view.applications[id].pending, undefined);
    assert.equal(engine.view.applications[id].requirements.length, 2);
  });

  it('coalesces typing in one field, not edits of different fields', async () => {
    const { server, make } = setup();
    const engine = make();
    const id = await engine.createApplication('svc.paspor');
    for (const v of ['S', 'Si', 'Sit', 'Siti']) await engine.setFields(id, { name: v });
    await engine.setFields(id, { city: 'Langsa' });
    await engine.setFields(id, { name: 'Siti A' });
    assert.equal(engine.view.queue.length, 4);
    await engine.sync();
    assert.deepEqual(server.journal.map((j) => j.args.fields ?? null), [null, { name: 'Siti' }, { city: 'Langsa' }, { name: 'Siti A' }]);
  });

  it('holds an attach until its upload is ready, then sends it', async () => {
    const { server, make, uploader } = setup();
    const engine = make();
    const id = await engine.createApplication('svc.paspor');
    const doc = await engine.attachPages(id, 'ktp', [jpeg(1)]);
    await engine.setFields(id, { name: 'Siti' });
    assert.equal(engine.status.pendingUploads, 1);
    assert.equal(engine.view.documents[doc].status, 'local');
    assert.equal(engine.view.applications[id].requirements.find((r) => r.code === 'ktp').document_id, doc);
    await engine.sync();
    assert.equal(uploader.calls.length, 1);
    assert.deepEqual(server.journal.map((j) => [j.name, j.status]), [
      ['application.create', 'applied'],
      ['application.attach', 'applied'],
      ['application.set_fields', 'applied'],
    ]);
    assert.equal(engine.status.pendingUploads, 0);
    assert.equal(engine.view.documents[doc].status, 'ready');
    assert.equal(await engine.pages(doc), null, 'local copy dropped once on the server');
  });

  it('keeps an invalid document visible with its reason and drops its attach', async () => {
    const { server, make } = setup();
    // a declared sha256 that does not match the bytes: the server finds the file invalid
    const engine = make({ hash: async () => '0'.repeat(64) });
    const id = await engine.createApplication('svc.paspor');
    const doc = await engine.attachPages(id, 'ktp', [jpeg(2)]);
    await engine.sync();
    assert.deepEqual(server.journal.map((j) => j.name), ['application.create']);
    assert.equal(engine.view.documents[doc].status, 'invalid');
    assert.match(engine.view.documents[doc].upload.error.message, /rusak/);
    assert.equal(engine.status.failedUploads, 1);
    await engine.dismissUpload(doc);
    assert.equal(engine.status.failedUploads, 0);
  });

  it('shows a stored rejection per application until dismissed', async () => {
    const { make } = setup();
    const engine = make();
    const id = await engine.createApplication('svc.paspor');
    await engine.setFields(id, { name: 'INVALID' });
    await engine.submit(id);
    await engine.sync();
    const codes = engine.view.rejections.map((r) => [r.code, r.application_id]);
    assert.deepEqual(codes, [['incomplete', id], ['invalid_field_values', id]]);
    assert.equal(engine.view.applications[id].fields.name, undefined);
    assert.equal(engine.status.rejections, 2);
    await engine.dismissRejection(engine.view.rejections[0].key);
    assert.deepEqual(engine.view.rejections.map((r) => r.code), ['invalid_field_values']);
    await engine.sync();
    assert.deepEqual(engine.view.rejections.map((r) => r.code), ['invalid_field_values'], 'dismissal survives a pull');
  });

  it('forgets a never-sent draft and its photo; an unsent entry can be discarded', async () => {
    const { server, make } = setup();
    const engine = make();
    const a = await engine.createApplication('svc.paspor');
    await engine.attachPages(a, 'ktp', [jpeg(3)]);
    await engine.discardApplication(a);
    assert.equal(engine.status.pendingMutations, 0);
    assert.equal(engine.status.pendingUploads, 0);
    const b = await engine.createApplication('svc.paspor');
    await engine.setFields(b, { name: 'x' });
    await engine.setFields(b, { city: 'y' });
    assert.equal(await engine.discard(engine.view.queue[1].seq), true);
    await engine.sync();
    assert.deepEqual(server.journal.map((j) => [j.id, j.args.fields ?? null]), [[1, null], [2, { city: 'y' }]]);
    await engine.discardApplication(b);
    await engine.sync();
    assert.equal(server.journal.at(-1).name, 'application.discard');
    assert.equal(engine.view.applications[b], undefined);
  });

  it('stops on 401 / 403 and starts a new client group for another account', async () => {
    const { server, transport, make } = setup();
    const engine = make();
    await engine.setAccount('A');
    const id = await engine.createApplication('svc.paspor');
    await engine.sync();
    const [groupA] = server.groups.keys();
    transport.citizen = 'citizen-2'; // the token now belongs to someone else
    await engine.setFields(id, { name: 'x' });
    await engine.sync();
    assert.equal(engine.status.needsSignIn, true);
    assert.equal(engine.status.lastError.code, 'client_group_forbidden');
    const result = await engine.setAccount('B');
    assert.deepEqual(result, { changed: true, dropped: 1 });
    await engine.createApplication('svc.ktp');
    await engine.sync();
    assert.equal(engine.status.needsSignIn, false);
    assert.equal(server.groups.size, 2);
    assert.equal(server.groups.get(groupA), 'citizen-1');
    assert.equal(Object.keys(engine.view.applications).length, 1, 'nothing of account A is shown to B');
  });

  it('sends batches of at most 100 and halves them on 413', async () => {
    const { server, transport, make } = setup();
    const engine = make();
    const id = await engine.createApplication('svc.paspor');
    for (let i = 0; i < 230; i += 1) await engine.setFields(id, { [`f${i % 3}`]: String(i) });
    const sizes = [];
    const push = transport.push.bind(transport);
    let refused = false;
    transport.push = async (body) => {
      sizes.push(body.mutations.length);
      if (!refused && body.mutations.length > 50) {
        refused = true;
        throw Object.assign(new Error('too large'), { status: 413, code: 'payload_too_large' });
      }
      return push(body);
    };
    await engine.sync();
    assert.equal(sizes[0], 100);
    assert.equal(sizes[1], 50);
    assert.ok(sizes.every((s) => s <= 100));
    assert.equal(server.journal.length, 231);
  });

  it('resumes after a 409 gap and moves to a new client id when the server lost ids', async () => {
    const { server, make } = setup();
    const engine = make();
    const id = await engine.createApplication('svc.paspor');
    await engine.setFields(id, { a: '1' });
    await engine.sync();
    // the server is restored from a backup taken before our mutations
    const [clientId] = server.clients.keys();
    server.clients.get(clientId).last = 0;
    await engine.setFields(id, { b: '2' });
    await engine.sync();
    assert.equal(engine.status.pendingMutations, 0);
    assert.equal(server.clients.size, 2);
    assert.equal(server.applications('citizen-1')[id].fields.b, '2');
  });
});
