// Randomized (seeded) proof of the engine's promises over a faulty network: every mutation
// is applied exactly once and in order, nothing is lost across restarts (a new engine on the
// same store), two engines on one store (two tabs) never push at the same time, and the
// view converges to the server's. A failing seed is printed and can be replayed alone.
import 'fake-indexeddb/auto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createEngine } from '../src/sync/engine/engine.js';
import { idbStore } from '../src/sync/adapters/idb-store.js';
import { FakeServer } from './fakes/fake-server.js';
import { FaultTransport, FaultUploader, memoryChannelHub, seeded } from './fakes/fault-transport.js';
import { webLocks } from '../src/sync/adapters/web-locks.js';

const RUNS = Number(process.env.SYNC_RUNS || 25);
const noTimers = { setTimeout: () => 0, clearTimeout: () => {} };

async function run(seed) {
  const random = seeded(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const server = new FakeServer();
  const transport = new FaultTransport(server, {
    random,
    faults: { dropBefore: 0.15, dropAfter: 0.15, serverError: 0.1, duplicate: 0.15 },
  });
  const uploader = new FaultUploader(transport);
  const lock = webLocks(null); // the page-only fallback (no Web Locks API), shared by the "tabs"
  const name = `random-${seed}`;
  let counter = 0;
  const newId = () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;
  const channel = memoryChannelHub();
  const make = () => {
    const engine = createEngine({ store: idbStore({ name, newId }), transport, uploader, lock, channel: channel(), timers: noTimers, random, newId });
    engine.start(); // timers are inert here: this only loads the store and listens to the other tab
    return engine;
  };
  const tabs = [make(), make()];
  const expected = {}; // what the citizen did, applied in order: the server must end there
  const inFlight = [];

  for (let step = 0; step < 40; step += 1) {
    const tab = pick([0, 1]);
    const engine = tabs[tab];
    const apps = Object.keys(expected);
    const roll = random();
    if (roll < 0.12 || !apps.length) {
      const id = await engine.createApplication('svc.paspor');
      expected[id] = { fields: {}, docs: {} };
    } else if (roll < 0.55) {
      const id = pick(apps);
      const key = pick(['name', 'city', 'nik']);
      const value = random() < 0.1 ? null : `v${step}`;
      await engine.setFields(id, { [key]: value });
      if (value === null) delete expected[id].fields[key];
      else expected[id].fields[key] = value;
    } else if (roll < 0.65) {
      const id = pick(apps);
      const code = pick(['ktp', 'kk']);
      const pages = [new Blob([new Uint8Array([0xff, 0xd8, step, seed & 255])], { type: 'image/jpeg' })];
      expected[id].docs[code] = await engine.attachPages(id, code, pages);
    } else if (roll < 0.72) {
      tabs[tab].stop();
      tabs[tab] = make(); // the tab was closed and opened again: a new engine, same store
    } else if (roll < 0.9) {
      inFlight.push(engine.sync()); // not awaited: edits go on while it syncs
    } else {
      await Promise.all(tabs.map((t) => t.sync()));
    }
  }
  await Promise.all(inFlight);

  transport.faults = { dropBefore: 0, dropAfter: 0, serverError: 0, duplicate: 0 };
  for (let i = 0; i < 10 && (tabs[0].status.pendingMutations || tabs[0].status.pendingUploads); i += 1) {
    await Promise.all(tabs.map((t) => t.sync()));
  }
  await Promise.all(tabs.map((t) => t.sync()));
  await channel.settled(); // every tab got the last "changed" message and refreshed its view

  const where = `seed ${seed}`;
  assert.equal(transport.maxInFlight, 1, `${where}: two pushes of one client at once`);
  // exactly once, in order: each client's journal is 1, 2, 3... with no repeat and no hole
  const byClient = {};
  for (const j of server.journal) (byClient[j.clientId] ??= []).push(j.id);
  for (const ids of Object.values(byClient)) assert.deepEqual(ids, ids.map((_, i) => i + 1), where);
  assert.deepEqual(server.journal.filter((j) => j.status !== 'applied'), [], `${where}: nothing rejected`);

  const onServer = server.applications('citizen-1');
  assert.deepEqual(Object.keys(onServer).sort(), Object.keys(expected).sort(), where);
  for (const [id, want] of Object.entries(expected)) {
    assert.deepEqual(onServer[id].fields, want.fields, `${where}: fields of ${id}`);
    for (const r of onServer[id].requirements) assert.equal(r.document_id, want.docs[r.code] ?? null, `${where}: ${r.code}`);
  }
  for (const engine of tabs) {
    assert.equal(engine.status.pendingMutations, 0, where);
    assert.equal(engine.status.pendingUploads, 0, where);
    for (const [id, app] of Object.entries(onServer)) {
      assert.deepEqual(engine.view.applications[id], app, `${where}: view of ${id}`);
    }
  }
}

describe('sync engine under faults (randomized)', () => {
  it(`converges with every mutation applied once and in order (${RUNS} seeds)`, async () => {
    for (let seed = 1; seed <= RUNS; seed += 1) await run(seed);
  });
});
