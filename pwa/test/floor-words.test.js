import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { callSentence, sayCounter, spellQueueNumber, terbilang } from '../src/floor/words.js';

describe('spellQueueNumber', () => {
  it('spells letters and says each digit, leading zeros included', () => {
    assert.equal(spellQueueNumber('DKC-017'), 'D K C nol satu tujuh');
    assert.equal(spellQueueNumber('imi-100'), 'I M I satu nol nol');
    assert.equal(spellQueueNumber('W-9'), 'W sembilan');
  });

  it('drops separators and anything unspeakable', () => {
    assert.equal(spellQueueNumber(' A 0-8 '), 'A nol delapan');
    assert.equal(spellQueueNumber(''), '');
    assert.equal(spellQueueNumber(null), '');
  });
});

describe('terbilang', () => {
  const cases = [
    [0, 'nol'], [1, 'satu'], [9, 'sembilan'], [10, 'sepuluh'], [11, 'sebelas'], [12, 'dua belas'],
    [19, 'sembilan belas'], [20, 'dua puluh'], [21, 'dua puluh satu'], [99, 'sembilan puluh sembilan'],
    [100, 'seratus'], [101, 'seratus satu'], [111, 'seratus sebelas'], [250, 'dua ratus lima puluh'],
    [1000, 'seribu'], [1001, 'seribu satu'], [1999, 'seribu sembilan ratus sembilan puluh sembilan'],
    [2024, 'dua ribu dua puluh empat'], [11000, 'sebelas ribu'], [100000, 'seratus ribu'],
    [999999, 'sembilan ratus sembilan puluh sembilan ribu sembilan ratus sembilan puluh sembilan'],
  ];
  for (const [n, words] of cases) {
    it(`${n} -> ${words}`, () => assert.equal(terbilang(n), words));
  }

  it('refuses what it cannot say', () => {
    for (const bad of [-1, 1.5, 1000000, 'x', null]) assert.throws(() => terbilang(bad), RangeError);
  });
});

describe('sayCounter and callSentence', () => {
  it('says a counter by its number in words', () => {
    assert.equal(sayCounter('Loket 3'), 'loket tiga');
    assert.equal(sayCounter('3'), 'loket tiga');
    assert.equal(sayCounter('LOKET 12'), 'loket dua belas');
    assert.equal(sayCounter('Loket 3a'), 'loket tiga A');
  });

  it('keeps a counter name without a number', () => {
    assert.equal(sayCounter('Loket Prioritas'), 'loket Prioritas');
    assert.equal(sayCounter('Imigrasi'), 'loket Imigrasi');
  });

  it('makes the whole call', () => {
    assert.equal(callSentence('DKC-017', 'Loket 3'), 'Nomor antrian D K C nol satu tujuh, silakan ke loket tiga');
  });
});
