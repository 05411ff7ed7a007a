import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DICT, LANG_STORAGE_KEY, loadLang, makeT, otherLang, saveLang, translate } from '../src/i18n.js';

function memoryStorage(initial = {}) {
  const data = new Map(Object.entries(initial));
  return {
    getItem: (k) => (data.has(k) ? data.get(k) : null),
    setItem: (k, v) => data.set(k, String(v)),
    data,
  };
}

describe('i18n', () => {
  it('speaks Indonesian by default and English on request', () => {
    assert.equal(translate('id', 'app.tagline'), 'Urus sekali, datang sekali');
    assert.equal(translate('en', 'app.tagline'), 'Apply once, come once');
    assert.equal(translate('fr', 'mpp.preparing'), 'Segera dibuka');
  });

  it('has every Indonesian key in English too', () => {
    const missing = Object.keys(DICT.id).filter((key) => !(key in DICT.en));
    assert.deepEqual(missing, []);
  });

  it('falls back to the key for an unknown one', () => {
    assert.equal(translate('en', 'no.such.key'), 'no.such.key');
  });

  it('fills placeholders and picks English singulars', () => {
    assert.equal(translate('id', 'count.services', { n: 1 }), '1 layanan');
    assert.equal(translate('en', 'count.services', { n: 1 }), '1 service');
    assert.equal(translate('en', 'count.services', { n: 2 }), '2 services');
    assert.equal(translate('id', 'count.agencies', { n: 10 }), '10 instansi');
  });

  it('binds a language with makeT', () => {
    assert.equal(makeT('en')('retry'), 'Try again');
    assert.equal(makeT('xx')('retry'), 'Coba lagi');
  });

  it('remembers the language in storage', () => {
    const storage = memoryStorage();
    assert.equal(loadLang(storage), 'id');
    saveLang(storage, 'en');
    assert.equal(storage.data.get(LANG_STORAGE_KEY), 'en');
    assert.equal(loadLang(storage), 'en');
    assert.equal(loadLang(memoryStorage({ [LANG_STORAGE_KEY]: 'klingon' })), 'id');
  });

  it('survives storage that throws or is missing', () => {
    const broken = {
      getItem() {
        throw new Error('SecurityError');
      },
      setItem() {
        throw new Error('QuotaExceededError');
      },
    };
    assert.equal(loadLang(broken), 'id');
    assert.doesNotThrow(() => saveLang(broken, 'en'));
    assert.equal(loadLang(null), 'id');
  });

  it('toggles between the two languages', () => {
    assert.equal(otherLang('id'), 'en');
    assert.equal(otherLang('en'), 'id');
  });
});
