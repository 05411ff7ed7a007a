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
    'cancel': 'Batal',
    'nav.label': 'Akun',
    'nav.signin': 'Masuk',
    'nav.profile': 'Profil',
    'signin.title': 'Masuk',
    'signin.intro': 'Kode masuk dikirim lewat SMS atau WhatsApp. Draf yang sudah ada di HP ini tetap tersimpan dan dikirim setelah Anda masuk.',
    'signin.phone': 'Nomor HP',
    'signin.phoneHint': 'Contoh: 0812 3456 7890',
    'signin.phoneMissing': 'Tulis nomor HP Anda.',
    'signin.phoneInvalid': 'Nomor HP tidak sah. Tulis seperti 0812 3456 7890.',
    'signin.send': 'Kirim kode',
    'signin.sending': 'Mengirim…',
    'signin.sentTo': 'Kode 6 angka sudah dikirim ke {phone}. Berlaku {minutes} menit.',
    'signin.code': 'Kode masuk',
    'signin.codeHint': '6 angka dari SMS atau WhatsApp',
    'signin.codeIncomplete': 'Kode masuk terdiri dari 6 angka.',
    'signin.submit': 'Masuk',
    'signin.checking': 'Memeriksa…',
    'signin.resendIn': 'Kirim ulang kode dalam {time}',
    'signin.resend': 'Kirim ulang kode',
    'signin.resent': 'Kode baru sudah dikirim. Kode sebelumnya tidak berlaku lagi.',
    'signin.changePhone': 'Ganti nomor',
    'signin.attemptsLeft': 'Sisa percobaan: {n}.',
    'signin.offline': 'Tidak ada koneksi. Masuk memerlukan internet; coba lagi saat tersambung.',
    'signin.welcome': 'Anda sudah masuk.',
    'signin.welcomeNew': 'Selamat datang! Akun Anda sudah dibuat. Lengkapi profil Anda di bawah ini.',
    'session.ended': 'Sesi Anda sudah berakhir. Silakan masuk lagi; draf Anda tetap tersimpan di HP.',
    'session.signedOut': 'Anda sudah keluar. Draf di HP ini tetap tersimpan.',
    'profile.title': 'Profil saya',
    'profile.intro': 'Data Anda yang tercatat di MPP. Data bertanda Terverifikasi sudah diperiksa petugas dan hanya bisa diubah lewat permohonan.',
    'profile.offline': 'Tidak ada koneksi. Profil Anda akan muncul saat tersambung.',
    'profile.personal': 'Data diri',
    'profile.phone': 'Nomor HP',
    'profile.verified': 'Terverifikasi',
    'profile.notFilled': 'Belum diisi',
    'profile.save': 'Simpan',
    'profile.saving': 'Menyimpan…',
    'profile.saved': 'Profil tersimpan.',
    'profile.unchanged': 'Tidak ada yang berubah.',
    'profile.fixErrors': 'Periksa isian yang ditandai.',
    'profile.saveOffline': 'Tidak ada koneksi. Perubahan belum tersimpan; coba lagi saat tersambung.',
    'profile.error.nik16': 'NIK harus 16 angka.',
    'profile.error.kk16': 'Nomor KK harus 16 angka.',
    'profile.error.email': 'Alamat email tidak sah.',
    'profile.error.sex': 'Pilih laki-laki atau perempuan.',
    'profile.error.invalid': 'Isian ini tidak sah.',
    'field.full_name': 'Nama lengkap',
    'field.full_name.hint': 'Seperti tertulis di KTP',
    'field.nik': 'NIK',
    'field.nik.hint': '16 angka, seperti di KTP',
    'field.birth_place': 'Tempat lahir',
    'field.birth_date': 'Tanggal lahir',
    'field.sex': 'Jenis kelamin',
    'field.address': 'Alamat',
    'field.address.hint': 'Alamat sesuai KTP',
    'field.kk_number': 'Nomor KK',
    'field.kk_number.hint': '16 angka, seperti di Kartu Keluarga',
    'field.email': 'Email',
    'field.email.hint': 'Tidak wajib',
    'sex.L': 'Laki-laki',
    'sex.P': 'Perempuan',
    'devices.title': 'Perangkat yang masuk',
    'devices.intro': 'Keluarkan perangkat yang tidak Anda kenal atau HP yang hilang.',
    'devices.offline': 'Tidak ada koneksi. Daftar perangkat akan muncul saat tersambung.',
    'devices.current': 'Perangkat ini',
    'devices.unnamed': 'Perangkat tanpa nama',
    'devices.lastSeen': 'Terakhir aktif {time}',
    'devices.revoke': 'Keluarkan',
    'devices.revokeLabel': 'Keluarkan {name}',
    'devices.revoked': '{name} sudah dikeluarkan.',
    'devices.revokeOffline': 'Tidak ada koneksi. Perangkat belum dikeluarkan; coba lagi saat tersambung.',
    'data.title': 'Data saya',
    'data.exportIntro': 'Unduh semua data Anda yang disimpan Sekali Datang dalam satu berkas ZIP.',
    'data.export': 'Unduh data saya',
    'data.exporting': 'Menyiapkan berkas…',
    'data.exported': 'Berkas {name} sudah diunduh.',
    'data.exportOffline': 'Tidak ada koneksi. Coba unduh lagi saat tersambung.',
    'data.eraseIntro': 'Anda bisa menghapus data pribadi dan berkas Anda dari server Sekali Datang. Catatan audit tanpa identitas tetap disimpan.',
    'data.erase': 'Hapus data saya',
    'data.eraseWarning': 'Profil, permohonan, dan berkas Anda akan dihapus dari server dan tidak bisa dikembalikan. Draf di HP ini tidak ikut terhapus.',
    'data.eraseLabel': 'Ketik HAPUS untuk memastikan',
    'data.eraseWrong': 'Ketik HAPUS di kotak ini untuk menghapus.',
    'data.eraseConfirm': 'Hapus permanen',
    'data.erasing': 'Menghapus…',
    'data.erased': 'Data Anda sudah dihapus dari server dan Anda sudah keluar.',
    'data.eraseOffline': 'Tidak ada koneksi. Data belum dihapus; coba lagi saat tersambung.',
    'signout.title': 'Keluar dari HP ini',
    'signout.intro': 'Draf yang sudah ada di HP ini tetap tersimpan.',
    'signout.button': 'Keluar',
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
    'cancel': 'Cancel',
    'nav.label': 'Account',
    'nav.signin': 'Sign in',
    'nav.profile': 'Profile',
    'signin.title': 'Sign in',
    'signin.intro': 'The sign-in code arrives by SMS or WhatsApp. Drafts already on this phone are kept and sent once you are signed in.',
    'signin.phone': 'Mobile number',
    'signin.phoneHint': 'For example 0812 3456 7890',
    'signin.phoneMissing': 'Enter your mobile number.',
    'signin.phoneInvalid': 'Not a valid mobile number. Write it like 0812 3456 7890.',
    'signin.send': 'Send code',
    'signin.sending': 'Sending…',
    'signin.sentTo': 'A 6-digit code was sent to {phone}. It is valid for {minutes} minutes.',
    'signin.sentTo.one': 'A 6-digit code was sent to {phone}. It is valid for 1 minute.',
    'signin.code': 'Sign-in code',
    'signin.codeHint': '6 digits from the SMS or WhatsApp message',
    'signin.codeIncomplete': 'The sign-in code has 6 digits.',
    'signin.submit': 'Sign in',
    'signin.checking': 'Checking…',
    'signin.resendIn': 'Send a new code in {time}',
    'signin.resend': 'Send a new code',
    'signin.resent': 'A new code was sent. The previous one no longer works.',
    'signin.changePhone': 'Change number',
    'signin.attemptsLeft': '{n} attempts left.',
    'signin.attemptsLeft.one': '1 attempt left.',
    'signin.offline': 'No connection. Signing in needs the internet; try again once you are online.',
    'signin.welcome': 'You are signed in.',
    'signin.welcomeNew': 'Welcome! Your account was created. Complete your profile below.',
    'session.ended': 'Your session has ended. Please sign in again; your drafts are still on the phone.',
    'session.signedOut': 'You are signed out. Drafts on this phone are kept.',
    'profile.title': 'My profile',
    'profile.intro': 'Your record at the MPP. Data marked Verified was checked by an officer and can only be changed through an application.',
    'profile.offline': 'No connection. Your profile will appear once you are back online.',
    'profile.personal': 'Personal details',
    'profile.phone': 'Mobile number',
    'profile.verified': 'Verified',
    'profile.notFilled': 'Not filled in',
    'profile.save': 'Save',
    'profile.saving': 'Saving…',
    'profile.saved': 'Profile saved.',
    'profile.unchanged': 'Nothing has changed.',
    'profile.fixErrors': 'Check the marked fields.',
    'profile.saveOffline': 'No connection. Your changes are not saved yet; try again once you are online.',
    'profile.error.nik16': 'A NIK has exactly 16 digits.',
    'profile.error.kk16': 'A KK number has exactly 16 digits.',
    'profile.error.email': 'Not a valid email address.',
    'profile.error.sex': 'Choose male or female.',
    'profile.error.invalid': 'This value is not valid.',
    'field.full_name': 'Full name',
    'field.full_name.hint': 'As written on your KTP identity card',
    'field.nik': 'NIK (national identity number)',
    'field.nik.hint': '16 digits, as on your KTP',
    'field.birth_place': 'Place of birth',
    'field.birth_date': 'Date of birth',
    'field.sex': 'Sex',
    'field.address': 'Address',
    'field.address.hint': 'The address on your KTP',
    'field.kk_number': 'Family card (KK) number',
    'field.kk_number.hint': '16 digits, as on the Kartu Keluarga',
    'field.email': 'Email',
    'field.email.hint': 'Optional',
    'sex.L': 'Male',
    'sex.P': 'Female',
    'devices.title': 'Signed-in devices',
    'devices.intro': 'Remove any device you do not recognise, or a lost phone.',
    'devices.offline': 'No connection. Your devices will appear once you are back online.',
    'devices.current': 'This device',
    'devices.unnamed': 'Unnamed device',
    'devices.lastSeen': 'Last active {time}',
    'devices.revoke': 'Remove',
    'devices.revokeLabel': 'Remove {name}',
    'devices.revoked': '{name} was signed out.',
    'devices.revokeOffline': 'No connection. The device is still signed in; try again once you are online.',
    'data.title': 'My data',
    'data.exportIntro': 'Download everything Sekali Datang holds about you as one ZIP file.',
    'data.export': 'Download my data',
    'data.exporting': 'Preparing the file…',
    'data.exported': '{name} was downloaded.',
    'data.exportOffline': 'No connection. Try the download again once you are online.',
    'data.eraseIntro': 'You can erase your personal data and files from the Sekali Datang server. An audit trail without your identity is kept.',
    'data.erase': 'Erase my data',
    'data.eraseWarning': 'Your profile, applications and files will be erased from the server and cannot be brought back. Drafts on this phone are not erased.',
    'data.eraseLabel': 'Type HAPUS ("erase") to confirm',
    'data.eraseWrong': 'Type HAPUS in the box to erase.',
    'data.eraseConfirm': 'Erase for good',
    'data.erasing': 'Erasing…',
    'data.erased': 'Your data was erased from the server and you are signed out.',
    'data.eraseOffline': 'No connection. Nothing was erased; try again once you are online.',
    'signout.title': 'Sign out of this phone',
    'signout.intro': 'Drafts already on this phone are kept.',
    'signout.button': 'Sign out',
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
