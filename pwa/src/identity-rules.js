// What a valid NIK, KK number and Indonesian mobile number are: the PWA's side of the
// server's sync/rules.py. The two are written once per side and held equal by shared test
// vectors (tests/vectors/identity_rules.json, read by pwa/test/rule-vectors.test.js and by
// tests/unit/test_rule_vectors.py). Pure: no DOM, no storage. Each problem is a code the
// server uses too; i18n.js words it.

const SIXTEEN_DIGITS = /^[0-9]{16}$/;
const PHONE_DIGITS = /^\+628[0-9]{7,11}$/;

function dateExists(day, month, year2) {
  // The century is unknown from two digits; 2000 is a leap year, so 29 Feb passes for "00".
  return [1900, 2000].some((century) => {
    const d = new Date(Date.UTC(century + year2, month - 1, day));
    return d.getUTCFullYear() === century + year2 && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
  });
}

/**
 * null if `nik` is a plausible NIK that agrees with `birthDate` ('YYYY-MM-DD' or null) and
 * `sex` ('L' | 'P' | null); else the problem's code. Digits 1-6: region; 7-12: birth date
 * DDMMYY, 40 added to the day for women; 13-16: a serial.
 */
export function nikProblem(nik, birthDate = null, sex = null) {
  if (typeof nik !== 'string' || !SIXTEEN_DIGITS.test(nik)) return 'nik_format';
  const province = Number(nik.slice(0, 2));
  if (province < 11 || province > 96 || nik.slice(2, 4) === '00' || nik.slice(4, 6) === '00') return 'nik_region';
  if (nik.slice(12, 16) === '0000') return 'nik_serial';
  let day = Number(nik.slice(6, 8));
  const month = Number(nik.slice(8, 10));
  const year2 = Number(nik.slice(10, 12));
  const female = day > 40;
  if (female) day -= 40;
  if (!dateExists(day, month, year2)) return 'nik_birth_date';
  if (birthDate) {
    const [y, m, d] = birthDate.split('-').map(Number);
    if (d !== day || m !== month || y % 100 !== year2) return 'nik_birth_date_mismatch';
  }
  if ((sex === 'L' || sex === 'P') && (sex === 'P') !== female) return 'nik_sex_mismatch';
  return null;
}

/** null if `kk` is a plausible family card (KK) number, else the problem's code. */
export function kkProblem(kk) {
  if (typeof kk !== 'string' || !SIXTEEN_DIGITS.test(kk)) return 'kk_format';
  const region = Number(kk.slice(0, 2));
  if (region < 11 || region > 96) return 'kk_region';
  return null;
}

/**
 * An Indonesian mobile number as +628..., from the ways people write it (0812-3456-7890,
 * 62812..., +62 812 ...); null if it is not one.
 */
export function normalisePhone(text) {
  if (typeof text !== 'string') return null;
  const compact = text.trim().replace(/[\s\-().]/g, '');
  let digits;
  if (compact.startsWith('+62')) digits = compact.slice(3);
  else if (compact.startsWith('62')) digits = compact.slice(2);
  else if (compact.startsWith('0')) digits = compact.slice(1);
  else if (compact.startsWith('8')) digits = compact;
  else return null;
  const candidate = `+62${digits}`;
  return PHONE_DIGITS.test(candidate) ? candidate : null;
}
