import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { httpTransport } from '../src/sync/adapters/http-transport.js';

describe('http transport', () => {
  it('sends nothing without a session, and says sign-in is needed', async () => {
    const calls = [];
    const api = { request: async (path, options) => calls.push([path, options]) };
    const transport = httpTransport(api, { hasToken: async () => false });
    await assert.rejects(transport.pull({ protocol: 1 }), (err) => err.status === 401 && err.code === 'not_signed_in');
    await assert.rejects(transport.push({ protocol: 1 }), (err) => err.status === 401);
    assert.deepEqual(calls, []);
  });

  it('posts push and pull with the body when signed in', async () => {
    const calls = [];
    const api = { request: async (path, options) => (calls.push([path, options.method, options.body]), { ok: true }) };
    const transport = httpTransport(api, { hasToken: async () => true });
    assert.deepEqual(await transport.push({ a: 1 }), { ok: true });
    await transport.pull({ b: 2 });
    assert.deepEqual(calls, [
      ['/api/sync/push', 'POST', { a: 1 }],
      ['/api/sync/pull', 'POST', { b: 2 }],
    ]);
  });
});
