import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deviceRequest, storageKey, takeDeviceKey } from '../src/floor/device.js';
import { callKey, feedState, newCalls, seenKeys, STALE_AFTER_MS, wallClock } from '../src/floor/feed.js';
import { floorT, FLOOR_DICT } from '../src/floor/i18n.js';
import { compactCode, looksLikeTicket } from '../src/floor/ticket.js';
import { isShellNavigation } from '../service-worker/routes.js';
import { ApiError, NetworkError } from '../src/api.js';

const call = (number, at, n = 1) => ({ number, at: `2026-12-07T${at}+07:00`, call: n, counter: { name: 'Loket 2' } });

describe('newCalls: each call announced once, oldest first', () => {
  it('announces nothing on the first answer (only learns what was called)', () => {
    assert.deepEqual(newCalls(null, [call('DKC-002', '08:31:00'), call('DKC-001', '08:30:00')]), []);
  });

  it('announces the calls not seen before, in the order they were made', () => {
    const first = [call('DKC-001', '08:30:00')];
    const seen = seenKeys(first);
    const next = [call('IMI-001', '08:32:00'), call('DKC-002', '08:31:00'), ...first];
    assert.deepEqual(newCalls(seen, next).map((c) => c.number), ['DKC-002', 'IMI-001']);
  });

  it('announces a recall again (another call of the same number)', () => {
    const first = [call('DKC-001', '08:30:00')];
    const recall = { ...call('DKC-001', '08:33:00', 2), recall: true };
    assert.deepEqual(newCalls(seenKeys(first), [recall, ...first]), [recall]);
    assert.notEqual(callKey(recall), callKey(first[0]));
  });
});

describe('feedState: when the display says it is stale', () => {
  it('is live within the limit and stale after it', () => {
    assert.deepEqual(feedState(1000, 1000 + STALE_AFTER_MS), { stale: false, seconds: 5 });
    assert.equal(feedState(1000, 1001 + STALE_AFTER_MS).stale, true);
    assert.deepEqual(feedState(null, 5), { stale: true, seconds: null });
  });

  it('reads the MPP clock from the text', () => {
    assert.equal(wallClock('2026-12-07T08:31:05+07:00'), '08.31');
    assert.equal(wallClock('2026-12-07T08:31:05+07:00', true), '08.31.05');
    assert.equal(wallClock(null), '');
  });
});

describe('the device key', () => {
  const memory = () => {
    const items = new Map();
    return { items, getItem: (k) => items.get(k) ?? null, setItem: (k, v) => items.set(k, v) };
  };

  it('is taken from #key=, kept, and wiped from the address bar', () => {
    const storage = memory();
    const replaced = [];
    const key = takeDeviceKey('kiosk', {
      location: { hash: '#key=abc%2Bdef', pathname: '/kiosk', search: '' },
      storage,
      history: { replaceState: (...args) => replaced.push(args[2]) },
    });
    assert.equal(key, 'abc+def');
    assert.equal(storage.items.get(storageKey('kiosk')), 'abc+def');
    assert.deepEqual(replaced, ['/kiosk']);
    const again = takeDeviceKey('kiosk', { location: { hash: '', pathname: '/kiosk', search: '' }, storage, history: null });
    assert.equal(again, 'abc+def');
    assert.equal(takeDeviceKey('display', { location: { hash: '' }, storage, history: null }), null);
  });

  it('is sent as X-Device-Key, with If-None-Match; a 304 and errors come back as such', async () => {
    const seen = [];
    const fetchImpl = async (path, init) => {
      seen.push([path, init.headers]);
      if (init.headers['If-None-Match']) return new Response(null, { status: 304 });
      if (path.endsWith('/bad')) {
        return new Response(JSON.stringify({ error: { code: 'ticket_used', message: 'Tiket sudah dipakai', details: {} } }), { status: 409 });
      }
      return new Response(JSON.stringify({ ok: 1 }), { status: 200, headers: { ETag: '"v1"' } });
    };
    const first = await deviceRequest('/api/queue/display', { key: 'K', fetchImpl });
    assert.deepEqual(first, { status: 200, body: { ok: 1 }, etag: '"v1"' });
    assert.equal(seen[0][1]['X-Device-Key'], 'K');
    const second = await deviceRequest('/api/queue/display', { key: 'K', etag: '"v1"', fetchImpl });
    assert.equal(second.status, 304);
    await assert.rejects(deviceRequest('/api/queue/bad', { key: 'K', fetchImpl, method: 'POST', body: {} }), (err) => {
      assert.ok(err instanceof ApiError);
      assert.equal(err.code, 'ticket_used');
      assert.equal(err.serverMessage, 'Tiket sudah dipakai');
      return true;
    });
    await assert.rejects(
      deviceRequest('/x', { key: 'K', fetchImpl: async () => { throw new TypeError('offline'); } }),
      NetworkError,
    );
  });
});

describe('the visit ticket code at the kiosk', () => {
  it('reads a grouped, spaced or lower-case code', () => {
    assert.equal(compactCode(' k7qx-m2pa 9fhd-3wjr-tb6n '), 'K7QXM2PA9FHD3WJRTB6N');
    assert.equal(looksLikeTicket('K7QX-M2PA-9FHD-3WJR-TB6N'), false); // 9 is not base32
    assert.equal(looksLikeTicket('K7QX-M2PA-ZFHD-3WJR-TB6N'), true);
    assert.equal(looksLikeTicket('https://example.org'), false);
  });
});

describe('the floor pages', () => {
  it('are not the citizen app shell in the service worker', () => {
    assert.equal(isShellNavigation('/kiosk'), false);
    assert.equal(isShellNavigation('/display?x=1'), false);
    assert.equal(isShellNavigation('/kioskx'), true);
    assert.equal(isShellNavigation('/'), true);
  });

  it('have every word in both languages', () => {
    assert.deepEqual(Object.keys(FLOOR_DICT.en).sort(), Object.keys(FLOOR_DICT.id).sort());
    assert.equal(floorT('en')('kiosk.ahead', { n: 3 }), '3 people before you');
    assert.equal(floorT('id')('kiosk.ahead', { n: 3 }), '3 orang di depan Anda');
  });
});
