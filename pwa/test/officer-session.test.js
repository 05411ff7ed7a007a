import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OFFICER_TOKEN_KEY, tokenStore } from '../src/officer/session.js';
import { officerClient } from '../src/officer/client.js';

function memoryStorage() {
  const map = new Map();
  return { getItem: (k) => (map.has(k) ? map.get(k) : null), setItem: (k, v) => map.set(k, String(v)), removeItem: (k) => map.delete(k), map };
}

test('the token lives in the given (session) storage and is cleared on sign-out', () => {
  const storage = memoryStorage();
  const tokens = tokenStore(storage);
  tokens.set('sd_abc');
  assert.equal(storage.map.get(OFFICER_TOKEN_KEY), 'sd_abc');
  assert.equal(tokenStore(storage).get(), 'sd_abc'); // a reload in the same tab
  tokens.clear();
  assert.equal(tokens.get(), null);
});

test('blocked storage keeps the token in memory for this page', () => {
  const broken = { getItem() { throw new Error('blocked'); }, setItem() { throw new Error('blocked'); }, removeItem() { throw new Error('blocked'); } };
  const tokens = tokenStore(broken);
  tokens.set('sd_x');
  assert.equal(tokens.get(), 'sd_x');
});

function fakeFetch(routes, calls) {
  return async (path, init) => {
    calls.push({ path, init });
    const [status, body] = routes[`${init.method} ${path}`] || [404, { error: { code: 'not_found' } }];
    return { ok: status < 400, status, headers: { get: () => null }, text: async () => (body === null ? '' : JSON.stringify(body)), blob: async () => body };
  };
}

test('sign-in stores the token; later calls send it; a 401 ends the session', async () => {
  const calls = [];
  let ended = 0;
  const tokens = tokenStore(memoryStorage());
  const client = officerClient({
    tokens,
    getLang: () => 'en',
    onSessionEnded: () => { ended += 1; tokens.clear(); },
    fetchImpl: fakeFetch({
      'POST /api/officer/login': [200, { token: 'sd_tok', officer: { id: 1, username: 'rina' } }],
      'POST /api/officer/applications/a1/approve': [401, { error: { code: 'unauthorized' } }],
    }, calls),
  });
  const officer = await client.signIn('rina', 'pw');
  assert.equal(officer.username, 'rina');
  assert.equal(tokens.get(), 'sd_tok');
  assert.equal(calls[0].init.headers.Authorization, undefined);
  const detail = { id: 'a1', version: 3, action_paths: { approve: '/api/officer/applications/a1/approve' } };
  await assert.rejects(client.act(detail, 'approve'), (e) => e.status === 401);
  assert.equal(calls[1].init.headers.Authorization, 'Bearer sd_tok');
  assert.equal(calls[1].init.headers['Accept-Language'], 'en');
  assert.deepEqual(JSON.parse(calls[1].init.body), { version: 3 });
  assert.equal(ended, 1);
  assert.equal(tokens.get(), null);
});

test('a wrong password is an error, not an ended session', async () => {
  let ended = 0;
  const client = officerClient({
    tokens: tokenStore(memoryStorage()),
    getLang: () => 'id',
    onSessionEnded: () => { ended += 1; },
    fetchImpl: fakeFetch({ 'POST /api/officer/login': [401, { error: { code: 'invalid_credentials', message: 'Salah' } }] }, []),
  });
  await assert.rejects(client.signIn('rina', 'bad'), (e) => e.code === 'invalid_credentials');
  assert.equal(ended, 0);
});

test('sign-out forgets the token before the server is asked, and still sends it', async () => {
  const calls = [];
  const storage = memoryStorage();
  const tokens = tokenStore(storage);
  tokens.set('sd_tok');
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  const slow = async (path, init) => {
    calls.push({ path, init });
    await held; // the answer is still on its way
    return { ok: true, status: 204, headers: { get: () => null }, text: async () => '' };
  };
  const client = officerClient({ tokens, getLang: () => 'id', onSessionEnded: () => {}, fetchImpl: slow });
  const done = client.signOut();
  // A reload now (the same tab's storage) starts signed out, not with the ending token.
  assert.equal(tokenStore(storage).get(), null);
  assert.equal(calls[0].path, '/api/auth/logout');
  assert.equal(calls[0].init.headers.Authorization, 'Bearer sd_tok');
  release();
  await done;
  assert.equal(tokens.get(), null);
});
