// Small pure formatting helpers for the views (tested under node --test).
import { translate } from './i18n.js';

const LOCALES = { id: 'id-ID', en: 'en-GB' };

export function formatNumber(lang, n) {
  const value = Number(n);
  if (!Number.isFinite(value)) return '0';
  return value.toLocaleString(LOCALES[lang] || LOCALES.id);
}

/** "10 instansi · 17 layanan" / "10 agencies · 17 services". */
export function formatCounts(lang, agencyCount, serviceCount) {
  const agencies = Number(agencyCount) || 0;
  const services = Number(serviceCount) || 0;
  return [
    translate(lang, 'count.agencies', { count: agencies, n: formatNumber(lang, agencies) }),
    translate(lang, 'count.services', { count: services, n: formatNumber(lang, services) }),
  ].join(' · ');
}

/** "Kota Langsa, Aceh"; either part may be missing. */
export function formatPlace(city, province) {
  return [city, province].filter((part) => part && String(part).trim()).join(', ');
}

/** The opening hours in the chosen language, else the other one, else "". */
export function pickHours(lang, mpp) {
  const own = lang === 'en' ? mpp?.hours_en : mpp?.hours_id;
  const other = lang === 'en' ? mpp?.hours_id : mpp?.hours_en;
  return own || other || '';
}

/**
 * A server timestamp as a Date. The API writes UTC without an offset
 * ("2025-11-23T15:04:05"); read that as UTC, not as the phone's local time.
 */
export function parseServerTime(value) {
  if (!value) return null;
  // Safari parses at most three digits of a fraction of a second.
  const text = String(value).replace(/(\.\d{3})\d+/, '$1');
  const hasZone = /(?:Z|[+-]\d\d:?\d\d)$/i.test(text);
  const date = new Date(hasZone || !text.includes('T') ? text : `${text}Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "23 Nov 2025, 22.04" / "23 Nov 2025, 22:04" in the phone's time zone; "" if unknown. */
export function formatDateTime(lang, value, timeZone) {
  const date = parseServerTime(value);
  if (!date) return '';
  return date.toLocaleString(LOCALES[lang] || LOCALES.id, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
  });
}

/** A calendar date "1990-08-05" as "5 Agu 1990" / "5 Aug 1990"; the text itself if odd. */
export function formatDate(lang, value) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(value ?? ''));
  if (!match) return value ? String(value) : '';
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toLocaleDateString(LOCALES[lang] || LOCALES.id, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/** `obj[base_id]` or `obj[base_en]` by language, falling back to the other one. */
export function pick(lang, obj, base) {
  if (!obj) return '';
  const own = obj[`${base}_${lang === 'en' ? 'en' : 'id'}`];
  const other = obj[`${base}_${lang === 'en' ? 'id' : 'en'}`];
  return own || other || '';
}

/** A fee in rupiah: "Gratis" / "Free" for 0, else "Rp350.000" the Indonesian way. */
export function formatFee(lang, t, fee) {
  const value = Number(fee) || 0;
  if (value <= 0) return t('service.free');
  return `Rp${value.toLocaleString('id-ID')}`;
}

/**
 * The fee with its note: "Rp350.000 (per buku)"; a note that only repeats the fee ("Gratis"
 * next to "Gratis") is left out.
 */
export function formatFeeWithNote(lang, t, fee, note) {
  const shown = formatFee(lang, t, fee);
  const extra = String(note ?? '').trim();
  if (!extra || fold(extra) === fold(shown) || fold(extra) === fold(t('service.free'))) return shown;
  return `${shown} (${extra})`;
}

/** How long a service takes: "5 hari kerja", or "Selesai di hari yang sama" for 0. */
export function formatSla(t, days, key = 'service.slaDays') {
  const n = Number(days);
  if (Number.isFinite(n) && n <= 0) return t('service.sameDay');
  return t(key, { n });
}

function fold(text) {
  return String(text ?? '')
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '');
}

/** Every word of `query` appears in one of `texts` (case and accents ignored). */
export function matchesWords(query, texts) {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = texts.map(fold).join(' ');
  return words.every((word) => haystack.includes(word));
}
