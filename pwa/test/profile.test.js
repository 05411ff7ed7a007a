import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  PROFILE_FIELDS,
  checkChanges,
  fieldErrors,
  formFromProfile,
  isEraseConfirmed,
  profileChanges,
} from '../src/profile.js';

const EMPTY = {
  id: 'c1',
  phone: '+6281234567890',
  nik: null,
  full_name: null,
  birth_place: null,
  birth_date: null,
  sex: null,
  address: null,
  kk_number: null,
  email: null,
  verified_keys: [],
  language: 'id',
};

describe('the profile form', () => {
  it('starts from the record, blanks for nothing', () => {
    const form = formFromProfile({ ...EMPTY, full_name: 'Siti Aminah', birth_date: '1990-08-05' });
    assert.deepEqual(Object.keys(form), PROFILE_FIELDS);
    assert.equal(form.full_name, 'Siti Aminah');
    assert.equal(form.birth_date, '1990-08-05');
    assert.equal(form.nik, '');
  });

  it('sends only what changed, cleaned', () => {
    const form = {
      ...formFromProfile(EMPTY),
      full_name: '  Siti Aminah ',
      nik: '1174 0145 0890 0001',
      sex: 'P',
      email: 'Siti@Example.ID',
    };
    assert.deepEqual(profileChanges(EMPTY, form), {
      full_name: 'Siti Aminah',
      nik: '1174014508900001',
      sex: 'P',
      email: 'siti@example.id',
    });
    assert.deepEqual(profileChanges(EMPTY, formFromProfile(EMPTY)), {});
  });

  it('sends an emptied field as null', () => {
    const profile = { ...EMPTY, birth_place: 'Langsa' };
    assert.deepEqual(profileChanges(profile, { ...formFromProfile(profile), birth_place: ' ' }), { birth_place: null });
  });

  it('never sends a verified key', () => {
    const profile = { ...EMPTY, nik: '1174014508900001', verified_keys: ['nik'] };
    const form = { ...formFromProfile(profile), nik: '1174014508900002', full_name: 'Siti' };
    assert.deepEqual(profileChanges(profile, form), { full_name: 'Siti' });
  });

  it('checks lengths and the email before asking the server', () => {
    assert.deepEqual(checkChanges({ nik: '123', kk_number: '11740145089000011', email: 'x@' }), {
      nik: 'problem.nik_format',
      kk_number: 'problem.kk_format',
      email: 'profile.error.email',
    });
    assert.deepEqual(checkChanges({ nik: '1174014508900001', email: 'a@b.id', kk_number: null }), {});
    // The whole rule, not only the length: a NIK with day 32, a KK from no region.
    assert.deepEqual(checkChanges({ nik: '1174013208900001', kk_number: '1074010101240009' }), {
      nik: 'problem.nik_birth_date',
      kk_number: 'problem.kk_region',
    });
  });
});

describe('field errors from the server', () => {
  const profileInvalid = {
    code: 'profile_invalid',
    details: {
      fields: {
        nik: {
          code: 'nik_birth_date_mismatch',
          message_id: 'Tanggal lahir pada NIK tidak sama dengan tanggal lahir yang diisi.',
          message_en: 'The birth date encoded in the NIK differs from the birth date given.',
        },
      },
    },
  };

  it('shows the message in the UI language', () => {
    assert.deepEqual(fieldErrors(profileInvalid, 'id'), {
      nik: 'Tanggal lahir pada NIK tidak sama dengan tanggal lahir yang diisi.',
    });
    assert.deepEqual(fieldErrors(profileInvalid, 'en'), {
      nik: 'The birth date encoded in the NIK differs from the birth date given.',
    });
  });

  it('names the fields of a schema validation failure', () => {
    const err = { code: 'validation_failed', details: { fields: { json: { email: ['Not a valid email address.'] } } } };
    assert.deepEqual(fieldErrors(err, 'id'), { email: null });
  });

  it('ignores anything else', () => {
    assert.deepEqual(fieldErrors(null, 'id'), {});
    assert.deepEqual(fieldErrors({ details: { fields: { phone: {} } } }, 'id'), {});
    assert.deepEqual(fieldErrors({ details: {} }, 'en'), {});
  });
});

describe('erase confirmation', () => {
  it('wants the word HAPUS', () => {
    assert.equal(isEraseConfirmed('HAPUS'), true);
    assert.equal(isEraseConfirmed(' hapus '), true);
    assert.equal(isEraseConfirmed('HAPUS!'), false);
    assert.equal(isEraseConfirmed(''), false);
    assert.equal(isEraseConfirmed(undefined), false);
  });
});
