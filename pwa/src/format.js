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
