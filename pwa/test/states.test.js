import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { stateRules } from '../src/states.js';

// GET /api/sync/states as sync/states.describe() publishes it (the file is held equal to it
// by tests/unit/test_rule_vectors.py).
const published = JSON.parse(readFileSync(new URL('../../tests/vectors/states.json', import.meta.url), 'utf8'));

describe('the published state machine', () => {
  it('says a citizen may withdraw where a citizen withdraw transition starts', () => {
    const rules = stateRules(published);
    const from = published.transitions.filter((t) => t.action === 'withdraw' && t.actors.includes('citizen')).map((t) => t.from);
    assert.ok(from.length > 0);
    for (const s of published.states) assert.equal(rules.withdrawable(s.name), from.includes(s.name), s.name);
    assert.equal(rules.withdrawable('draft'), false); // a draft is discarded, not withdrawn
  });
  it('knows nothing before it arrives', () => {
    const rules = stateRules(null);
    assert.equal(rules.ready, false);
    assert.equal(rules.editable('draft'), false);
    assert.equal(rules.label('draft'), 'draft');
  });
  it('labels a state in the chosen language', () => {
    const doc = { states: [{ name: 'ready', label_id: 'Siap diambil', label_en: 'Ready for pickup', citizen_editable: false }], transitions: [] };
    assert.equal(stateRules(doc, 'id').label('ready'), 'Siap diambil');
    assert.equal(stateRules(doc, 'en').label('ready'), 'Ready for pickup');
    assert.equal(stateRules(doc).ready, true);
  });
});
