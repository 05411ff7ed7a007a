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

  it('parses the sign-in and profile screens', () => {
    assert.deepEqual(parseHash('#/masuk'), { name: 'signin' });
    assert.deepEqual(parseHash('#/masuk/'), { name: 'signin' });
    assert.deepEqual(parseHash('#/profil'), { name: 'profile' });
    assert.equal(hrefFor({ name: 'signin' }), '#/masuk');
    assert.equal(hrefFor({ name: 'profile' }), '#/profil');
    assert.equal(hrefFor({ name: 'constructor' }), '#/');
  });

  it('sends anything odd to the list', () => {
    for (const hash of ['#/mpp/', '#/mpp/%E0%A4%A', '#/mpp/../admin', '#/mpp/Langsa', '#/nowhere', '#/mpp/a/b', '#/masukk', '#/profil/x', '#__proto__', '#/__proto__', '#constructor']) {
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
