// The service's form rules, checked on the phone as the citizen types: the PWA's side of
// the server's sync/fields.py `normalise`. The rules that are data (required, lengths,
// patterns, number bounds, choices, date range) come from the service's published form
// schema (GET /api/services/<code>: fields[].validation, defaults filled in by the server);
// the rules that are code (NIK, phone, email) are written once here and held equal to the
// server's by shared vectors (tests/vectors/*.json). Pure: no DOM, no storage.
//
// A problem is {code, params}; i18n.js words it under `problem.<code>`. The server uses the
// same codes, so a rejection it sends is worded the same way.

import { nikProblem, normalisePhone } from './identity-rules.js';

const MULTILINE_TYPES = new Set(['textarea', 'address']);
const DATE_RE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
const EMAIL_RE = /^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_OR_NEWLINE = /[\x00-\x1f\x7f]/;
const patterns = new Map();

function problem(code, params = {}) {
  return { code, params };
}

function compiled(pattern) {
  if (!patterns.has(pattern)) {
    let re = null;
    try {
      re = new RegExp(`^(?:${pattern})$`, 'u');
    } catch {
      re = null; // a pattern this browser cannot read: the server still checks it
    }
    patterns.set(pattern, re);
  }
  return patterns.get(pattern);
}

function validDate(text, rules) {
  if (!DATE_RE.test(text)) return false;
  const [y, m, d] = text.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return false;
  return !(rules.min_date && text < rules.min_date) && !(rules.max_date && text > rules.max_date);
}

/** The value the engine stores for a field's text: null clears it, a number field holds a number. */
export function valueOf(field, text) {
  const raw = text === null || text === undefined ? '' : String(text);
  if (raw.trim() === '') return null;
  if (field.type === 'number') {
    const n = Number(raw);
    return raw.trim() !== '' && Number.isFinite(n) ? n : raw;
  }
  return raw;
}

/** The problem with one field's text on its own (null: fine, or empty), as the server sees it. */
export function fieldProblem(field, text) {
  const rules = field.validation || {};
  const value = valueOf(field, text);
  if (value === null) return null;
  if (field.type === 'number') {
    if (typeof value !== 'number') return problem('wrong_type');
    if (rules.min !== undefined && rules.min !== null && value < rules.min) return problem('below_min', { n: rules.min });
    if (rules.max !== undefined && rules.max !== null && value > rules.max) return problem('above_max', { n: rules.max });
    return null;
  }
  const trimmed = value.replace(/\r\n/g, '\n').trim();
  if ((MULTILINE_TYPES.has(field.type) ? CONTROL : CONTROL_OR_NEWLINE).test(trimmed)) return problem('control_characters');
  if (field.type === 'nik') {
    const code = nikProblem(trimmed.replace(/[\s.-]/g, ''));
    return code ? problem(code) : null;
  }
  if (field.type === 'phone') return normalisePhone(trimmed) ? null : problem('phone_format');
  if (field.type === 'date') return validDate(trimmed, rules) ? null : problem('invalid_date');
  if (field.type === 'choice') {
    return (rules.choices || []).some((c) => c.value === trimmed) ? null : problem('not_a_choice');
  }
  // text, textarea, address, email (lengths in code points, as the server counts them)
  const length = [...trimmed].length;
  if (rules.min_length != null && length < rules.min_length) return problem('too_short', { n: rules.min_length });
  if (rules.max_length != null && length > rules.max_length) return problem('too_long', { n: rules.max_length });
  if (rules.pattern) {
    const re = compiled(rules.pattern);
    if (re && !re.test(trimmed)) return problem('pattern_mismatch');
  }
  if (field.type === 'email' && !EMAIL_RE.test(trimmed)) return problem('invalid_email');
  return null;
}

/** True if a required field has no text. */
export function isMissing(field, text) {
  return Boolean(field.required) && valueOf(field, text) === null;
}

function byProfileKey(service, key) {
  return (service.fields || []).find((f) => f.profile_key === key) || null;
}

/**
 * Every problem of the form's texts ({key: text}) as {key: problem}: each field on its own,
 * then the applicant's NIK against the birth date and sex given in the same form (as the
 * server checks at submit). Empty fields have no problem here (see isMissing).
 */
export function formProblems(service, texts) {
  const out = {};
  for (const field of service.fields || []) {
    const found = fieldProblem(field, texts[field.key]);
    if (found) out[field.key] = found;
  }
  const nik = byProfileKey(service, 'nik');
  if (nik && nik.type === 'nik' && !out[nik.key] && valueOf(nik, texts[nik.key]) !== null) {
    const birth = byProfileKey(service, 'birth_date');
    const sex = byProfileKey(service, 'sex');
    const birthText = birth ? String(texts[birth.key] ?? '').trim() : '';
    const sexText = sex ? String(texts[sex.key] ?? '').trim() : '';
    const code = nikProblem(
      String(texts[nik.key]).trim().replace(/[\s.-]/g, ''),
      birth && !out[birth.key] && DATE_RE.test(birthText) ? birthText : null,
      sexText === 'L' || sexText === 'P' ? sexText : null,
    );
    if (code) out[nik.key] = problem(code);
  }
  return out;
}

/**
 * Whether the engine may be given this field's text now: the server would take it. The
 * applicant's NIK must also agree with the birth date and sex (the server refuses a NIK that
 * does not; a birth date or sex that disagrees is kept, and the NIK is marked).
 */
export function sendable(service, key, texts) {
  const field = (service.fields || []).find((f) => f.key === key);
  if (!field || fieldProblem(field, texts[key])) return false;
  if (field.profile_key === 'nik' && valueOf(field, texts[key]) !== null) return !formProblems(service, texts)[key];
  return true;
}
