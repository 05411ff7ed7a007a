import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DRAFTS_PREFIX, readDrafts, writeDrafts } from '../src/field-drafts.js';

function memoryStorage() {
  const items = new Map();
  return {
    getItem: (k) => (items.has(k) ? items.get(k) : null),
    setItem: (k, v) => items.set(k, String(v)),
    removeItem: (k) => items.delete(k),
    items,
  };
}

describe('the form text the engine does not hold yet', () => {
  it('is kept per application and read back', () => {
    const storage = memoryStorage();
    writeDrafts(storage, 'a1', { nik: '1174', full_name: 'FAJAR' });
    writeDrafts(storage, 'a2', { nik: '9' });
    assert.deepEqual(readDrafts(storage, 'a1'), { nik: '1174', full_name: 'FAJAR' });
    assert.deepEqual(readDrafts(storage, 'a2'), { nik: '9' });
  });
  it('leaves nothing behind once empty', () => {
    const storage = memoryStorage();
    writeDrafts(storage, 'a1', { nik: '1' });
    writeDrafts(storage, 'a1', {});
    assert.equal(storage.items.has(`${DRAFTS_PREFIX}a1`), false);
    assert.deepEqual(readDrafts(storage, 'a1'), {});
  });
  it('reads a damaged or missing entry, or no storage at all, as nothing', () => {
    const storage = memoryStorage();
    storage.setItem(`${DRAFTS_PREFIX}a1`, '{not json');
    storage.setItem(`${DRAFTS_PREFIX}a2`, '[1,2]');
    assert.deepEqual(readDrafts(storage, 'a1'), {});
    assert.deepEqual(readDrafts(storage, 'a2'), {});
    assert.deepEqual(readDrafts(null, 'a3'), {});
    writeDrafts(null, 'a3', { nik: '1' }); // no storage: nothing thrown
  });
});
