import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatCounts, formatPlace, pickHours } from '../src/format.js';

describe('formatCounts', () => {
  it('reads "10 instansi · 17 layanan" in Indonesian', () => {
    assert.equal(formatCounts('id', 10, 17), '10 instansi · 17 layanan');
  });

  it('uses English plurals', () => {
    assert.equal(formatCounts('en', 10, 17), '10 agencies · 17 services');
    assert.equal(formatCounts('en', 1, 1), '1 agency · 1 service');
    assert.equal(formatCounts('en', 0, 0), '0 agencies · 0 services');
  });

  it('groups thousands the local way', () => {
    assert.equal(formatCounts('id', 2, 1234), '2 instansi · 1.234 layanan');
    assert.equal(formatCounts('en', 2, 1234), '2 agencies · 1,234 services');
  });

  it('treats missing counts as zero', () => {
    assert.equal(formatCounts('id', undefined, null), '0 instansi · 0 layanan');
  });
});

describe('formatPlace', () => {
  it('joins city and province, skipping blanks', () => {
    assert.equal(formatPlace('Kota Langsa', 'Aceh'), 'Kota Langsa, Aceh');
    assert.equal(formatPlace('', 'Bengkulu'), 'Bengkulu');
    assert.equal(formatPlace(null, undefined), '');
  });
});

describe('pickHours', () => {
  it('prefers the chosen language and falls back to the other', () => {
    const mpp = { hours_id: 'Senin–Jumat 08.00–15.00', hours_en: 'Mon–Fri 8am–3pm' };
    assert.equal(pickHours('id', mpp), 'Senin–Jumat 08.00–15.00');
    assert.equal(pickHours('en', mpp), 'Mon–Fri 8am–3pm');
    assert.equal(pickHours('en', { hours_id: 'Senin' }), 'Senin');
    assert.equal(pickHours('id', {}), '');
  });
});
