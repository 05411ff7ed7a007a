import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { makeOfficerT } from '../src/officer/i18n.js';
import { CATALOG_TEXT } from '../src/officer/views/catalog-i18n.js';

test('the catalog editor has every text in both languages, Indonesian first', () => {
  assert.deepEqual(Object.keys(CATALOG_TEXT.en).sort(), Object.keys(CATALOG_TEXT.id).sort());
  for (const [key, value] of Object.entries(CATALOG_TEXT.id)) {
    assert.ok(value.trim(), `id ${key} is empty`);
    assert.ok(CATALOG_TEXT.en[key].trim(), `en ${key} is empty`);
  }
  assert.equal(makeOfficerT('id')('cat.draft'), 'Draf / belum terbit');
  assert.equal(makeOfficerT('en')('cat.draft'), 'Draft / not published');
  assert.equal(makeOfficerT('id')('cat.checkBad', { n: 1 }), '1 kesalahan. Perbaiki di kolom yang ditandai.');
});

test("every text key the editor names literally is in the catalog's texts", () => {
  const source = readFileSync(new URL('../src/officer/views/catalog.jsx', import.meta.url), 'utf8');
  const used = new Set([...source.matchAll(/t\('(cat\.[A-Za-z_.]+)'/g)].map((m) => m[1]));
  assert.ok(used.size > 50);
  const missing = [...used].filter((key) => !(key in CATALOG_TEXT.id));
  assert.deepEqual(missing, []);
});
