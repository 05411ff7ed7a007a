import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { base64UrlToBytes, enablePush, pushEnabled, pushPermission, SUBSCRIPTION_KEY } from '../src/push.js';

function memoryStorage() {
  const map = new Map();
  return { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => map.set(k, String(v)), removeItem: (k) => map.delete(k) };
}

describe('web push from the page', () => {
  it('decodes the server key from base64url', () => {
    assert.deepEqual([...base64UrlToBytes('AQID_-8')], [1, 2, 3, 255, 239]);
  });

  it('knows when the browser has no push', () => {
    assert.equal(pushPermission({ navigator: {} }), 'unsupported');
  });

  it('subscribes with the server key and registers the subscription', async () => {
    const calls = [];
    let subscribedWith = null;
    const json = { endpoint: 'https://push.example/abc', keys: { p256dh: 'p', auth: 'a' }, expirationTime: null };
    const win = {
      Notification: { permission: 'default', requestPermission: async () => 'granted' },
      PushManager: function PushManager() {},
      navigator: {
        serviceWorker: {
          ready: Promise.resolve({
            pushManager: {
              getSubscription: async () => null,
              subscribe: async (options) => ((subscribedWith = options), { toJSON: () => json }),
            },
          }),
        },
      },
    };
    const api = {
      getJson: async (path) => (calls.push(['GET', path]), { public_key: 'AQID' }),
      request: async (path, options) => (calls.push([options.method, path, options.body]), { id: 'sub-1' }),
    };
    const storage = memoryStorage();
    assert.equal(await enablePush(api, 'en', { win, storage }), 'sub-1');
    assert.equal(subscribedWith.userVisibleOnly, true);
    assert.deepEqual([...subscribedWith.applicationServerKey], [1, 2, 3]);
    assert.deepEqual(calls, [['GET', '/api/push/key'], ['POST', '/api/push/subscriptions', { ...json, language: 'en' }]]);
    assert.equal(storage.getItem(SUBSCRIPTION_KEY), 'sub-1');
    assert.equal(pushEnabled(storage), true);
  });

  it('stops when the citizen says no, telling the server nothing', async () => {
    const win = { Notification: { requestPermission: async () => 'denied' }, PushManager() {}, navigator: { serviceWorker: {} } };
    const api = { getJson: async () => assert.fail('no request'), request: async () => assert.fail('no request') };
    await assert.rejects(enablePush(api, 'id', { win, storage: memoryStorage() }), /denied/);
  });
});
