import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatCounts, formatDate, formatDateTime, formatPlace, parseServerTime, pickHours } from '../src/format.js';

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

describe('server times and dates', () => {
  it('reads a time without an offset as UTC', () => {
    assert.equal(parseServerTime('2025-11-23T15:04:05').toISOString(), '2025-11-23T15:04:05.000Z');
    assert.equal(parseServerTime('2025-11-23T15:04:05.123456').toISOString(), '2025-11-23T15:04:05.123Z');
    assert.equal(parseServerTime('2025-11-23T15:04:05+07:00').toISOString(), '2025-11-23T08:04:05.000Z');
    assert.equal(parseServerTime('nonsense'), null);
    assert.equal(parseServerTime(null), null);
  });

  it('shows it in the local way and zone', () => {
    assert.equal(formatDateTime('id', '2025-11-23T15:04:05', 'Asia/Jakarta'), '23 Nov 2025, 22.04');
    assert.equal(formatDateTime('en', '2025-11-23T15:04:05', 'Asia/Jakarta'), '23 Nov 2025, 22:04');
    assert.equal(formatDateTime('id', ''), '');
  });

  it('shows a calendar date without shifting the day', () => {
    assert.equal(formatDate('id', '1990-08-05'), '5 Agu 1990');
    assert.equal(formatDate('en', '1990-08-05'), '5 Aug 1990');
    assert.equal(formatDate('en', ''), '');
  });
});

describe('pick, formatFee and matchesWords', async () => {
  const { pick, formatFee, matchesWords } = await import('../src/format.js');
  const t = (key) => ({ 'service.free': 'Gratis' })[key];
  it('picks the language, else the other one', () => {
    assert.equal(pick('en', { name_id: 'Paspor', name_en: 'Passport' }, 'name'), 'Passport');
    assert.equal(pick('id', { name_id: 'Paspor', name_en: 'Passport' }, 'name'), 'Paspor');
    assert.equal(pick('en', { name_id: 'Paspor', name_en: '' }, 'name'), 'Paspor');
    assert.equal(pick('id', null, 'name'), '');
  });
  it('writes fees in rupiah, zero as free', () => {
    assert.equal(formatFee('id', t, 0), 'Gratis');
    assert.equal(formatFee('en', t, 350000), 'Rp350.000');
  });
  it('matches every word, ignoring case and accents', () => {
    assert.equal(matchesWords('paspor baru', ['Paspor Baru (48 halaman)', 'New passport']), true);
    assert.equal(matchesWords('PASSPORT', ['Paspor', 'New passport']), true);
    assert.equal(matchesWords('paspor hilang', ['Paspor Baru']), false);
    assert.equal(matchesWords('  ', ['x']), true);
  });
});

describe('the fee with its note, and same-day services', async () => {
  const { formatFeeWithNote, formatSla } = await import('../src/format.js');
  const { makeT } = await import('../src/i18n.js');
  const t = makeT('id');
  it('does not repeat "Gratis" as its own note', () => {
    assert.equal(formatFeeWithNote('id', t, 0, 'Gratis'), 'Gratis');
    assert.equal(formatFeeWithNote('en', makeT('en'), 0, 'Free'), 'Free');
    assert.equal(formatFeeWithNote('id', t, 0, ''), 'Gratis');
  });
  it('keeps a note that says something', () => {
    assert.equal(formatFeeWithNote('id', t, 350000, 'per buku 48 halaman'), 'Rp350.000 (per buku 48 halaman)');
    assert.equal(formatFeeWithNote('id', t, 0, 'Gratis untuk pelajar'), 'Gratis (Gratis untuk pelajar)');
  });
  it('says a same-day service is done the same day, not "0 hari kerja"', () => {
    assert.equal(formatSla(t, 0), 'Selesai di hari yang sama');
    assert.equal(formatSla(t, 5), '5 hari kerja');
    assert.equal(formatSla(makeT('en'), 0), 'Done the same day');
  });
});
