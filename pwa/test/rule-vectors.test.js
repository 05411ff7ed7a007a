// The rules both sides keep, held equal by shared vectors: tests/unit/test_rule_vectors.py
// reads the same files and must reach the same verdicts with the server's sync/rules.py and
// sync/fields.py.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { fieldProblem, formProblems, isMissing, sendable, valueOf } from '../src/form-rules.js';
import { kkProblem, nikProblem, normalisePhone } from '../src/identity-rules.js';

const vectors = (name) => JSON.parse(readFileSync(new URL(`../../tests/vectors/${name}`, import.meta.url), 'utf8'));
const identity = vectors('identity_rules.json');
const fields = vectors('form_fields.json');

describe('identity rule vectors', () => {
  for (const c of identity.nik) {
    it(`NIK: ${c.note}`, () => assert.equal(nikProblem(c.nik, c.birth_date, c.sex), c.problem));
  }
  for (const c of identity.kk) {
    it(`KK: ${c.note}`, () => assert.equal(kkProblem(c.kk), c.problem));
  }
  for (const c of identity.phone) {
    it(`phone: ${JSON.stringify(c.text)}`, () => assert.equal(normalisePhone(c.text), c.normalised));
  }
});

describe('form field vectors (the published validation)', () => {
  for (const c of fields) {
    it(`${c.type}: ${JSON.stringify(c.text.slice(0, 24))} -> ${c.problem}`, () => {
      assert.equal(fieldProblem({ key: 'f', type: c.type, validation: c.validation }, c.text)?.code ?? null, c.problem);
    });
  }
});

describe('the whole form', () => {
  const service = {
    fields: [
      { key: 'nik', type: 'nik', required: true, profile_key: 'nik', validation: {} },
      { key: 'birth_date', type: 'date', required: true, profile_key: 'birth_date', validation: { min_date: '1900-01-01', max_date: '2100-12-31' } },
      { key: 'sex', type: 'choice', required: true, profile_key: 'sex', validation: { choices: [{ value: 'L' }, { value: 'P' }] } },
      { key: 'note', type: 'text', required: false, validation: { max_length: 200 } },
    ],
  };
  it('marks a NIK that disagrees with the birth date or sex given', () => {
    const texts = { nik: '1174014508900001', birth_date: '1990-08-05', sex: 'L' };
    assert.deepEqual(formProblems(service, texts), { nik: { code: 'nik_sex_mismatch', params: {} } });
    assert.deepEqual(formProblems(service, { ...texts, sex: 'P' }), {});
    assert.equal(formProblems(service, { ...texts, sex: 'P', birth_date: '1990-08-06' }).nik.code, 'nik_birth_date_mismatch');
  });
  it('sends a birth date that disagrees (the server keeps it) but not the NIK', () => {
    const texts = { nik: '1174014508900001', birth_date: '1991-01-01', sex: '' };
    assert.equal(sendable(service, 'birth_date', texts), true);
    assert.equal(sendable(service, 'nik', texts), false);
    assert.equal(sendable(service, 'nik', { ...texts, birth_date: '' }), true);
    assert.equal(sendable(service, 'nik', { nik: '12345' }), false);
    assert.equal(sendable(service, 'note', { note: '' }), true); // clearing is always fine
  });
  it('knows a required field with only spaces is missing', () => {
    assert.equal(isMissing(service.fields[0], '   '), true);
    assert.equal(isMissing(service.fields[3], ''), false);
  });
  it('stores a number field as a number and an empty text as nothing', () => {
    assert.equal(valueOf({ type: 'number' }, '3'), 3);
    assert.equal(valueOf({ type: 'number' }, '2.5'), 2.5);
    assert.equal(valueOf({ type: 'text' }, '  '), null);
    assert.equal(valueOf({ type: 'text' }, ' a '), ' a ');
  });
});
