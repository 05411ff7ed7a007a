// Pure helpers for the profile screen: the edit form's values, what changed, and the
// field errors (ours and the server's). No DOM, tested under node --test.
import { kkProblem, nikProblem } from './identity-rules.js';

/** The profile keys a citizen may fill in, in the order the form shows them. */
export const PROFILE_FIELDS = [
  'full_name',
  'nik',
  'birth_place',
  'birth_date',
  'sex',
  'address',
  'kk_number',
  'email',
];

const DIGIT_KEYS = new Set(['nik', 'kk_number']);
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const ERASE_WORD = 'HAPUS';

export function isVerified(profile, key) {
  return Array.isArray(profile?.verified_keys) && profile.verified_keys.includes(key);
}

/** The form's starting values: every field a string ('' for nothing on record). */
export function formFromProfile(profile) {
  const form = {};
  for (const key of PROFILE_FIELDS) {
    const value = profile?.[key];
    form[key] = value === null || value === undefined ? '' : String(value);
  }
  return form;
}

function cleanValue(key, value) {
  let text = String(value ?? '').trim();
  if (DIGIT_KEYS.has(key)) text = text.replace(/[\s.-]/g, '');
  if (key === 'email') text = text.toLowerCase();
  return text === '' ? null : text;
}

/**
 * What to PATCH: the unverified keys whose cleaned value differs from the record
 * (an emptied field is sent as null). Verified keys are never sent.
 */
export function profileChanges(profile, form) {
  const changes = {};
  for (const key of PROFILE_FIELDS) {
    if (isVerified(profile, key)) continue;
    const next = cleanValue(key, form?.[key]);
    const current = profile?.[key] === undefined || profile?.[key] === '' ? null : profile[key];
    if (next !== current) changes[key] = next;
  }
  return changes;
}

/**
 * Checks we can make before asking the server: {key: i18n key}. The NIK and KK rules are
 * identity-rules.js (held equal to the server's by shared vectors); the NIK's agreement with
 * the birth date and sex is left to the server, which explains it better.
 */
export function checkChanges(changes) {
  const errors = {};
  for (const [key, rule] of [['nik', nikProblem], ['kk_number', kkProblem]]) {
    const code = changes[key] === undefined || changes[key] === null ? null : rule(changes[key]);
    if (code) errors[key] = `problem.${code}`;
  }
  if (changes.email && !EMAIL_RE.test(changes.email)) errors.email = 'profile.error.email';
  if (changes.sex !== undefined && changes.sex !== null && !['L', 'P'].includes(changes.sex)) {
    errors.sex = 'profile.error.sex';
  }
  return errors;
}

/**
 * Field errors from a failed PATCH, as {key: message or null}. A profile_invalid answer
 * carries {code, message_id, message_en} per key: the message in `lang` is used. A
 * schema validation failure ({fields: {json: {key: [..]}}}) names the keys only (null:
 * the view shows its own words for them).
 */
export function fieldErrors(error, lang) {
  const fields = error?.details?.fields;
  if (!fields || typeof fields !== 'object') return {};
  const out = {};
  const source = fields.json && typeof fields.json === 'object' ? fields.json : fields;
  for (const [key, value] of Object.entries(source)) {
    if (!PROFILE_FIELDS.includes(key)) continue;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const own = lang === 'en' ? value.message_en : value.message_id;
      const other = lang === 'en' ? value.message_id : value.message_en;
      out[key] = own || other || null;
    } else {
      out[key] = null;
    }
  }
  return out;
}

/** The erase confirmation: the word HAPUS, however it was capitalised. */
export function isEraseConfirmed(text) {
  return String(text ?? '').trim().toUpperCase() === ERASE_WORD;
}
