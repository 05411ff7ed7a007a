// Interface strings, Bahasa Indonesia first. Pure module: no DOM, no storage globals,
// so it runs under `node --test` as it is.

export const DEFAULT_LANG = 'id';
export const LANGS = ['id', 'en'];
export const LANG_STORAGE_KEY = 'sd.lang';

export const DICT = {
  id: {
    'app.name': 'Sekali Datang',
    'app.tagline': 'Urus sekali, datang sekali',
    'lang.switch': 'English',
    'loading': 'Memuat…',
    'retry': 'Coba lagi',
    'back': 'Semua MPP',
    'mpps.title': 'Pilih MPP',
    'mpps.intro': 'Pilih Mal Pelayanan Publik tempat Anda akan datang.',
    'mpps.empty': 'Belum ada MPP yang terdaftar.',
    'mpps.offline': 'Tidak ada koneksi. Daftar MPP akan muncul saat tersambung.',
    'mpp.offline': 'Tidak ada koneksi. Data MPP ini akan muncul saat tersambung.',
    'mpp.preparing': 'Segera dibuka',
    'mpp.chosen': 'Pilihan Anda',
    'mpp.address': 'Alamat',
    'mpp.hours': 'Jam layanan',
    'mpp.agencies': 'Instansi di MPP ini',
    'mpp.noAgencies': 'Belum ada instansi yang terdaftar di MPP ini.',
    'count.agencies': '{n} instansi',
    'count.services': '{n} layanan',
    'error.generic': 'Terjadi kesalahan di server. Silakan coba lagi nanti.',
    'update.available': 'Versi baru tersedia',
    'update.reload': 'Muat ulang',
  },
  en: {
    'app.name': 'Sekali Datang',
    'app.tagline': 'Apply once, come once',
    'lang.switch': 'Bahasa Indonesia',
    'loading': 'Loading…',
    'retry': 'Try again',
    'back': 'All MPPs',
    'mpps.title': 'Choose an MPP',
    'mpps.intro': 'Choose the public service mall you will visit.',
    'mpps.empty': 'No MPP is listed yet.',
    'mpps.offline': 'No connection. The list of MPPs will appear once you are back online.',
    'mpp.offline': 'No connection. This MPP will appear once you are back online.',
    'mpp.preparing': 'Opening soon',
    'mpp.chosen': 'Your MPP',
    'mpp.address': 'Address',
    'mpp.hours': 'Opening hours',
    'mpp.agencies': 'Agencies at this MPP',
    'mpp.noAgencies': 'No agency is listed at this MPP yet.',
    'count.agencies': '{n} agencies',
    'count.agencies.one': '{n} agency',
    'count.services': '{n} services',
    'count.services.one': '{n} service',
    'error.generic': 'Something went wrong on the server. Please try again later.',
    'update.available': 'A new version is available',
    'update.reload': 'Reload',
  },
};

export function normaliseLang(lang) {
  return LANGS.includes(lang) ? lang : DEFAULT_LANG;
}

/**
 * Look a key up in `lang`, falling back to Indonesian, then to the key itself.
 * `{name}` placeholders are filled from `params`. `params.count` (else a numeric
 * `params.n`) of exactly 1 picks a `.one` variant when the language has one
 * (Indonesian has no plural, so it never does).
 */
export function translate(lang, key, params = {}) {
  const dict = DICT[normaliseLang(lang)];
  const count = params.count ?? params.n;
  let template;
  if (count === 1 && dict[`${key}.one`] !== undefined) template = dict[`${key}.one`];
  else template = dict[key] ?? DICT[DEFAULT_LANG][key] ?? key;
  return template.replace(/\{(\w+)\}/g, (match, name) =>
    params[name] === undefined || params[name] === null ? match : String(params[name]),
  );
}

/** A `t(key, params)` bound to one language. */
export function makeT(lang) {
  const bound = normaliseLang(lang);
  return (key, params) => translate(bound, key, params);
}

/** The saved language, or Indonesian. `storage` is localStorage or a stand-in. */
export function loadLang(storage) {
  try {
    return normaliseLang(storage?.getItem(LANG_STORAGE_KEY));
  } catch {
    return DEFAULT_LANG; // storage disabled (private mode, blocked cookies)
  }
}

export function saveLang(storage, lang) {
  try {
    storage?.setItem(LANG_STORAGE_KEY, normaliseLang(lang));
  } catch {
    // Not saved: the choice still holds for this visit.
  }
}

export function otherLang(lang) {
  return normaliseLang(lang) === 'id' ? 'en' : 'id';
}
