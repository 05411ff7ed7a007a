import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clearToken, getToken, setToken } from '../src/session-store.js';

// Node has no IndexedDB: this is the in-memory fallback a browser with storage blocked gets.
describe('session store without IndexedDB', () => {
  it('keeps the token for this visit and forgets it on clear', async () => {
    assert.equal(globalThis.indexedDB, undefined);
    assert.equal(await getToken(), null);
    await setToken('sd_abc');
    assert.equal(await getToken(), 'sd_abc');
    await clearToken();
    assert.equal(await getToken(), null);
  });
});
