// The engine's lock (src/sync/adapters/web-locks.js): the Web Locks API where the browser has
// it, and the page-only fallback where it does not (old Safari). The engine tests run on
// the fallback too (sync-engine, sync-random), so this is the lock they rely on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { webLocks } from '../src/sync/adapters/web-locks.js';

const later = () => new Promise((resolve) => setImmediate(resolve));

describe('web locks fallback (no navigator.locks)', () => {
  it('runs the holders of one name one at a time, in the order they asked', async () => {
    const lock = webLocks(null);
    const events = [];
    const holder = (label) => lock.request('flush', {}, async (held) => {
      assert.deepEqual(held, { name: 'flush' });
      events.push(`${label} in`);
      await later();
      await later();
      events.push(`${label} out`);
      return label;
    });
    const results = await Promise.all([holder('a'), holder('b'), holder('c')]);
    assert.deepEqual(results, ['a', 'b', 'c']);
    assert.deepEqual(events, ['a in', 'a out', 'b in', 'b out', 'c in', 'c out']);
  });

  it('answers ifAvailable with null at once while the lock is held, and with the lock after', async () => {
    const lock = webLocks(null);
    let release;
    const holding = lock.request('flush', {}, () => new Promise((resolve) => (release = resolve)));
    await later();
    assert.equal(await lock.request('flush', { ifAvailable: true }, (held) => held), null);
    assert.deepEqual(await lock.request('other', { ifAvailable: true }, (held) => held), { name: 'other' });
    release();
    await holding;
    assert.deepEqual(await lock.request('flush', { ifAvailable: true }, (held) => held), { name: 'flush' });
  });

  it('is released when a holder throws, and the error reaches the caller', async () => {
    const lock = webLocks(null);
    await assert.rejects(lock.request('flush', {}, async () => { throw new Error('push failed'); }), /push failed/);
    assert.equal(await lock.request('flush', { ifAvailable: true }, () => 'next'), 'next');
  });
});

describe('web locks with the browser API', () => {
  it('hands every request to navigator.locks unchanged', async () => {
    const calls = [];
    const api = { request: async (name, options, fn) => { calls.push([name, options]); return fn({ name }); } };
    const lock = webLocks(api);
    assert.equal(await lock.request('flush', { ifAvailable: true }, (held) => held.name), 'flush');
    assert.deepEqual(calls, [['flush', { ifAvailable: true }]]);
  });
});
