import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bookableByMpp, clockOf, dayOf, firstOpenDay, isOpenVisit, partOfDay, readSlotCache, slotAge, slotCacheKey,
  slotDays, sortedVisits, STALE_AFTER_MS, writeSlotCache,
} from '../src/visits.js';
import { mergeView } from '../src/sync/engine/view.js';

describe('clockOf and dayOf', () => {
  it('read the MPP wall clock from the text, whatever the phone zone', () => {
    assert.equal(clockOf('2026-12-07T08:30:00+07:00'), '08:30');
    assert.equal(dayOf('2026-12-07T08:30:00+07:00'), '2026-12-07');
    assert.equal(clockOf('nonsense'), '');
    assert.equal(dayOf(undefined), '');
  });

  it('parts of the day', () => {
    assert.equal(partOfDay('08:00'), 'morning');
    assert.equal(partOfDay('10:59'), 'morning');
    assert.equal(partOfDay('11:00'), 'midday');
    assert.equal(partOfDay('15:00'), 'afternoon');
  });
});

describe('slotDays', () => {
  // The compact answer: minutes after the MPP's midnight; per errand lists aligned with them.
  const answer = {
    services: ['a', 'b'],
    minutes: [15, 30],
    counters: ['Loket 1', 'Loket 2'],
    days: [
      { date: '2026-12-06', closed: 'closed', holiday_id: null, holiday_en: null, times: [], free: [], places: [[], []], counter: [[], []] },
      {
        date: '2026-12-07',
        closed: null,
        times: [480, 510, 780, 930],
        free: [510, 780],
        places: [[0, 1, 1, 0], [2, 2, 1, 3]],
        counter: [[0, 0, 0, 0], [1, 1, null, 1]],
      },
      { date: '2026-12-25', closed: 'holiday', holiday_id: 'Hari Raya Natal', holiday_en: 'Christmas Day', times: [], free: [], places: [[], []], counter: [[], []] },
    ],
  };

  it('groups times by part of the day, counting the free ones', () => {
    const days = slotDays(answer);
    assert.equal(days.length, 3);
    const monday = days[1];
    assert.equal(monday.free, 2);
    assert.deepEqual(monday.parts.map((p) => p.part), ['morning', 'midday', 'afternoon']);
    assert.deepEqual(monday.parts[0].slots.map((s) => [s.clock, s.free]), [['08:00', false], ['08:30', true]]);
    assert.equal(monday.parts[0].slots[1].stops[0].counter, 'Loket 1');
    // Each errand after the one before: 08:30 at Loket 1 for 15 minutes, then 08:45 at Loket 2.
    assert.deepEqual(monday.parts[0].slots[1], {
      arrives_at: '2026-12-07T08:30:00+07:00',
      clock: '08:30',
      free: true,
      stops: [
        { service: 'a', starts_at: '2026-12-07T08:30:00+07:00', counter: 'Loket 1', places: 1 },
        { service: 'b', starts_at: '2026-12-07T08:45:00+07:00', counter: 'Loket 2', places: 2 },
      ],
    });
    assert.equal(monday.parts[1].slots[0].stops[1].counter, null); // no counter serves it then
    assert.deepEqual(monday.parts[2].slots.map((s) => [s.arrives_at, s.free]), [['2026-12-07T15:30:00+07:00', false]]);
  });

  it('keeps closed days and holidays with their names', () => {
    const days = slotDays(answer);
    assert.equal(days[0].closed, 'closed');
    assert.equal(days[0].free, 0);
    assert.deepEqual(days[0].parts, []);
    assert.equal(days[2].holiday_id, 'Hari Raya Natal');
  });

  it('opens on the first day with a free time', () => {
    assert.equal(firstOpenDay(slotDays(answer)), '2026-12-07');
    assert.equal(firstOpenDay([]), null);
    assert.equal(firstOpenDay(slotDays({ days: [answer.days[0]] })), '2026-12-06');
  });

  it('survives an empty or odd answer', () => {
    assert.deepEqual(slotDays(null), []);
    assert.deepEqual(slotDays({ days: 'x' }), []);
    // a copy kept from before the compact answer: its days show no times, nothing throws
    assert.deepEqual(slotDays({ days: [{ date: '2026-12-07', closed: null, slots: [{ arrives_at: 'x' }] }] })[0].parts, []);
  });
});

describe('slotAge and the kept copy', () => {
  it('is fresh within a minute, stale after', () => {
    assert.deepEqual(slotAge(1000, 1000 + 59000), { ms: 59000, minutes: 0, stale: false });
    const old = slotAge(0, STALE_AFTER_MS + 1);
    assert.equal(old.stale, true);
    assert.equal(slotAge(0, 3 * 3600 * 1000).minutes, 180);
  });

  it('calls an unknown fetch time stale', () => {
    assert.equal(slotAge(undefined, 5).stale, true);
  });

  it('keeps one copy per MPP and errands in order', () => {
    const items = new Map();
    const storage = { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => items.set(k, v) };
    const key = slotCacheKey('langsa', ['a', 'b']);
    assert.notEqual(key, slotCacheKey('langsa', ['b', 'a']));
    assert.equal(readSlotCache(storage, key), null);
    writeSlotCache(storage, key, { days: [] }, 1234);
    assert.deepEqual(readSlotCache(storage, key), { answer: { days: [] }, fetchedAt: 1234 });
    items.set(key, '{broken');
    assert.equal(readSlotCache(storage, key), null);
    const full = { getItem: () => null, setItem: () => { throw new Error('QuotaExceeded'); } };
    assert.doesNotThrow(() => writeSlotCache(full, key, {}, 1));
  });
});

describe('bookableByMpp', () => {
  const now = Date.parse('2026-12-04T10:00:00+07:00');
  const services = {
    'langsa.dukcapil.kk': { code: 'langsa.dukcapil.kk', mpp: 'langsa', mpp_name: 'MPP Langsa', visit_states: ['ready'] },
    'langsa.imigrasi.paspor': { code: 'langsa.imigrasi.paspor', mpp: 'langsa', mpp_name: 'MPP Langsa', visit_states: ['approved', 'ready'] },
    'bengkulu.dukcapil.kk': { code: 'bengkulu.dukcapil.kk', mpp: 'bengkulu', mpp_name: 'MPP Bengkulu', visit_states: ['ready'] },
  };
  const apps = {
    a1: { id: 'a1', reference: 'R-1', service_id: 'langsa.dukcapil.kk', state: 'ready' },
    a2: { id: 'a2', reference: 'R-2', service_id: 'langsa.imigrasi.paspor', state: 'approved' },
    a3: { id: 'a3', reference: 'R-3', service_id: 'langsa.dukcapil.kk', state: 'approved' },
    a4: { id: 'a4', reference: 'R-4', service_id: 'bengkulu.dukcapil.kk', state: 'ready' },
    a5: { id: 'a5', reference: 'R-5', service_id: 'unknown.service', state: 'ready' },
  };

  it('offers what the service says is bookable, one group per MPP', () => {
    const groups = bookableByMpp(apps, services, {}, now);
    assert.deepEqual(groups.map((g) => [g.mpp, g.items.map((i) => i.app.id)]), [
      ['bengkulu', ['a4']],
      ['langsa', ['a1', 'a2']],
    ]);
  });

  it('leaves out applications an open visit holds, not those of a cancelled or past one', () => {
    const visits = {
      v1: { id: 'v1', status: 'booked', arrives_at: '2026-12-07T08:30:00+07:00', stops: [{ application_id: 'a1' }] },
      v2: { id: 'v2', status: 'cancelled', arrives_at: '2026-12-08T08:30:00+07:00', stops: [{ application_id: 'a2' }] },
      v3: { id: 'v3', status: 'booked', arrives_at: '2026-12-01T08:30:00+07:00', stops: [{ application_id: 'a4' }] },
    };
    const groups = bookableByMpp(apps, services, visits, now);
    assert.deepEqual(groups.map((g) => [g.mpp, g.items.map((i) => i.app.id)]), [
      ['bengkulu', ['a4']],
      ['langsa', ['a2']],
    ]);
    const { open, rest } = sortedVisits(visits, now);
    assert.deepEqual(open.map((v) => v.id), ['v1']);
    assert.deepEqual(rest.map((v) => v.id), ['v2', 'v3']);
    assert.equal(isOpenVisit(visits.v1, Date.parse('2026-12-07T16:29:00+07:00')), true);
    assert.equal(isOpenVisit(visits.v1, Date.parse('2026-12-07T16:31:00+07:00')), false);
  });

  it('waits while the application has edits not yet sent', () => {
    const pending = { ...apps, a1: { ...apps.a1, pending: { mutations: 1 } } };
    const langsa = bookableByMpp(pending, services, {}, now).find((g) => g.mpp === 'langsa');
    assert.deepEqual(langsa.items.map((i) => i.app.id), ['a2']);
  });
});

describe('mergeView carries visits', () => {
  it('puts visit/<id> entries under visits', () => {
    const visit = { id: 'v1', status: 'booked', ticket: 'T', stops: [] };
    const merged = mergeView({ view: [['visit/v1', visit]], outbox: [], uploads: [], rejections: [] });
    assert.deepEqual(merged.visits, { v1: visit });
    assert.notEqual(merged.visits.v1, visit);
  });
});
