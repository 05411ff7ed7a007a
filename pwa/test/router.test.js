import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hrefFor, parseHash } from '../src/router.js';

describe('hash routes', () => {
  it('parses the list and one MPP', () => {
    assert.deepEqual(parseHash(''), { name: 'list' });
    assert.deepEqual(parseHash('#/'), { name: 'list' });
    assert.deepEqual(parseHash('#/mpp/langsa'), { name: 'mpp', code: 'langsa' });
    assert.deepEqual(parseHash('#/mpp/kota-payakumbuh/'), { name: 'mpp', code: 'kota-payakumbuh' });
  });

  it('sends anything odd to the list', () => {
    for (const hash of ['#/mpp/', '#/mpp/%E0%A4%A', '#/mpp/../admin', '#/mpp/Langsa', '#/nowhere', '#/mpp/a/b']) {
      assert.deepEqual(parseHash(hash), { name: 'list' }, hash);
    }
  });

  it('round-trips through hrefFor', () => {
    const route = { name: 'mpp', code: 'langsa' };
    assert.equal(hrefFor(route), '#/mpp/langsa');
    assert.deepEqual(parseHash(hrefFor(route)), route);
    assert.equal(hrefFor({ name: 'list' }), '#/');
  });
});
