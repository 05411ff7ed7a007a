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

  it('reads service, application and step routes', () => {
    const id = '9b2d6c1e-3f4a-4b5c-8d6e-7f8091a2b3c4';
    assert.deepEqual(parseHash('#/layanan/langsa.imigrasi.paspor-baru'), { name: 'service', code: 'langsa.imigrasi.paspor-baru' });
    assert.deepEqual(parseHash('#/permohonan'), { name: 'applications' });
    assert.deepEqual(parseHash(`#/permohonan/${id}`), { name: 'application', id });
    assert.deepEqual(parseHash(`#/permohonan/${id}/data`), { name: 'application', id, step: 'data' });
    assert.deepEqual(parseHash(`#/permohonan/${id}/kirim/`), { name: 'application', id, step: 'submit' });
    assert.deepEqual(parseHash(`#/permohonan/${id}/dokumen/ktp`), { name: 'application', id, step: 'document', requirement: 'ktp' });
  });

  it('round-trips every new route', () => {
    const id = '9b2d6c1e-3f4a-4b5c-8d6e-7f8091a2b3c4';
    for (const route of [
      { name: 'service', code: 'payakumbuh.dukcapil.kk-baru' },
      { name: 'applications' },
      { name: 'application', id },
      { name: 'application', id, step: 'data' },
      { name: 'application', id, step: 'submit' },
      { name: 'application', id, step: 'document', requirement: 'akta_lahir' },
    ]) {
      assert.deepEqual(parseHash(hrefFor(route)), route);
    }
  });

  it('refuses malformed service codes, ids and steps', () => {
    for (const hash of ['#/layanan/langsa', '#/layanan/Langsa.x', '#/layanan/a..b', '#/permohonan/123',
      '#/permohonan/9B2D6C1E-3F4A-4B5C-8D6E-7F8091A2B3C4', '#/permohonan/9b2d6c1e-3f4a-4b5c-8d6e-7f8091a2b3c4/hapus',
      '#/permohonan/9b2d6c1e-3f4a-4b5c-8d6e-7f8091a2b3c4/dokumen', '#/permohonan/9b2d6c1e-3f4a-4b5c-8d6e-7f8091a2b3c4/dokumen/../x',
      '#/permohonan/9b2d6c1e-3f4a-4b5c-8d6e-7f8091a2b3c4/data/x']) {
      assert.deepEqual(parseHash(hash), { name: 'list' }, hash);
    }
  });
});
