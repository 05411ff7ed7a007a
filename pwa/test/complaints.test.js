// The complaint screens' routes on the phone (#/pengaduan...), and back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hrefFor, parseHash } from '../src/router.js';

const ID = '3c1d2b4a-5e6f-4a7b-8c9d-0e1f2a3b4c5d';

test('#/pengaduan is the list, #/pengaduan/baru the general form', () => {
  assert.deepEqual(parseHash('#/pengaduan'), { name: 'complaints' });
  assert.deepEqual(parseHash('#/pengaduan/baru'), { name: 'complaint-new' });
  assert.equal(hrefFor({ name: 'complaints' }), '#/pengaduan');
  assert.equal(hrefFor({ name: 'complaint-new' }), '#/pengaduan/baru');
});

test('#/pengaduan/baru/<application id> is the form about that application, and back', () => {
  assert.deepEqual(parseHash(`#/pengaduan/baru/${ID}`), { name: 'complaint-new', application: ID });
  assert.equal(hrefFor({ name: 'complaint-new', application: ID }), `#/pengaduan/baru/${ID}`);
  assert.deepEqual(parseHash('#/pengaduan/baru/not-an-id'), { name: 'list' });
});

test('#/pengaduan/<id> is one complaint; anything else is the list', () => {
  assert.deepEqual(parseHash(`#/pengaduan/${ID}`), { name: 'complaint', id: ID });
  assert.equal(hrefFor({ name: 'complaint', id: ID }), `#/pengaduan/${ID}`);
  assert.deepEqual(parseHash('#/pengaduan/xyz'), { name: 'list' });
  assert.deepEqual(parseHash(`#/pengaduan/${ID}/lagi`), { name: 'list' });
});
