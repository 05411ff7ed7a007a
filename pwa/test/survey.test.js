// The survey's client seams: its route, and other domains' pulled rows in the merged view.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hrefFor, parseHash } from '../src/router.js';
import { mergeView } from '../src/sync/engine/view.js';

const ID = '0b6f7a52-3f0e-4c55-9d7e-3d2a4f1b2c3d';

test('#/survei/<application id> is the survey route, and back', () => {
  assert.deepEqual(parseHash(`#/survei/${ID}`), { name: 'survey', id: ID });
  assert.equal(hrefFor({ name: 'survey', id: ID }), `#/survei/${ID}`);
  assert.deepEqual(parseHash('#/survei/not-an-id'), { name: 'list' });
});

test("a pulled survey receipt lands in view.domains.survey; an application's rows do not", () => {
  const merged = mergeView({
    view: [
      [`application/${ID}`, { id: ID, service_id: 'langsa.dukcapil.kk-baru', state: 'completed', fields: {}, requirements: [] }],
      [`survey/${ID}`, { application_id: ID, answered_on: '2026-12-04' }],
    ],
    outbox: [{ seq: 1, name: 'survey.submit', args: { application_id: ID, scores: {} } }],
    uploads: [],
    rejections: [],
  });
  assert.deepEqual(merged.domains, { survey: { [ID]: { application_id: ID, answered_on: '2026-12-04' } } });
  assert.equal(merged.applications[ID].state, 'completed');
  assert.equal(merged.applications[ID].pending, undefined); // a survey is not an application edit
  assert.deepEqual(merged.queue.map((q) => q.name), ['survey.submit']);
});
