// The one visit on the phone, as pure functions (tested under node --test): which
// applications may be booked now and together, a free-slot answer grouped for the screen,
// how old a kept copy of it is, and the citizen's bookings from the synced space.
//
// Times: the server writes every visit time in the MPP's own time with its offset
// ("2026-12-07T08:30:00+07:00"); the clock and day shown are read from that text, so a phone
// set to another time zone still shows the time on the MPP's wall.

/** A kept free-slot list older than this is "stale": its age is said first and loudly. */
export const STALE_AFTER_MS = 60 * 1000;
/** How long a booked visit stays under "Jadwal saya" after its arrival time. */
export const SHOWN_AFTER_ARRIVAL_MS = 8 * 60 * 60 * 1000;
export const SLOT_CACHE_PREFIX = 'sd.slots.';

/** "08:30" of "2026-12-07T08:30:00+07:00"; "" if it is not such a time. */
export function clockOf(iso) {
  const match = /T(\d\d):(\d\d)/.exec(String(iso ?? ''));
  return match ? `${match[1]}:${match[2]}` : '';
}

/** "2026-12-07" of "2026-12-07T08:30:00+07:00"; "" if it is not such a time. */
export function dayOf(iso) {
  const match = /^(\d{4}-\d\d-\d\d)/.exec(String(iso ?? ''));
  return match ? match[1] : '';
}

/** Which part of the day a clock "HH:MM" is in: morning (before 11), midday (before 15), afternoon. */
export function partOfDay(clock) {
  const hour = Number(String(clock).slice(0, 2));
  if (hour < 11) return 'morning';
  if (hour < 15) return 'midday';
  return 'afternoon';
}

const PARTS = ['morning', 'midday', 'afternoon'];

/** "2026-12-07T08:30:00+07:00" of a day and minutes after the MPP's midnight (510). */
export function wibTime(date, minute) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date}T${pad(Math.floor(minute / 60))}:${pad(minute % 60)}:00+07:00`;
}

const list = (value) => (Array.isArray(value) ? value : []);

/**
 * GET /api/visits/slots's answer as the screen shows it: one entry per day with how many
 * arrival times are free, and its times grouped by part of the day (a full time stays,
 * marked not free, so the citizen sees the day is busy rather than closed).
 * The answer is compact (per day `times` in minutes after the MPP's midnight, the `free`
 * ones, and per errand `places` / `counter` lists aligned with `times`; errand k starts
 * sum(minutes[:k]) after the arrival): the times are read back into objects here.
 * -> [{date, closed, holiday_id, holiday_en, free, parts: [{part, slots: [{arrives_at,
 *      clock, free, stops: [{service, starts_at, counter, places}]}]}]}]
 */
export function slotDays(answer) {
  const days = list(answer?.days);
  const services = list(answer?.services);
  const minutes = list(answer?.minutes);
  const counters = list(answer?.counters);
  return days.map((day) => {
    const byPart = new Map();
    const open = new Set(list(day.free));
    let free = 0;
    list(day.times).forEach((minute, i) => {
      let at = minute;
      const stops = services.map((service, k) => {
        const index = list(day.counter?.[k])[i];
        const stop = {
          service,
          starts_at: wibTime(day.date, at),
          counter: index == null ? null : counters[index] ?? null,
          places: list(day.places?.[k])[i] ?? 0,
        };
        at += Number(minutes[k]) || 0;
        return stop;
      });
      const arrives_at = wibTime(day.date, minute);
      const clock = clockOf(arrives_at);
      const part = partOfDay(clock);
      if (!byPart.has(part)) byPart.set(part, []);
      const isFree = open.has(minute);
      byPart.get(part).push({ arrives_at, clock, free: isFree, stops });
      if (isFree) free += 1;
    });
    return {
      date: day.date,
      closed: day.closed || null,
      holiday_id: day.holiday_id || null,
      holiday_en: day.holiday_en || null,
      free,
      parts: PARTS.filter((p) => byPart.has(p)).map((part) => ({ part, slots: byPart.get(part) })),
    };
  });
}

/** The first day with a free time (the day the picker opens on), else the first day. */
export function firstOpenDay(days) {
  const open = days.find((d) => d.free > 0);
  return open ? open.date : days[0]?.date ?? null;
}

/**
 * How old a free-slot list is: {ms, minutes, stale}. `fetchedAt` and `now` are epoch ms
 * (the phone's own clock for both, so a phone clock set wrong does not matter).
 */
export function slotAge(fetchedAt, now) {
  const ms = Math.max(0, Number(now) - Number(fetchedAt));
  if (!Number.isFinite(ms)) return { ms: Infinity, minutes: Infinity, stale: true };
  return { ms, minutes: Math.floor(ms / 60000), stale: ms > STALE_AFTER_MS };
}

/** The key a free-slot list is kept under: one per MPP and errands in their order. */
export function slotCacheKey(mpp, services) {
  return `${SLOT_CACHE_PREFIX}${mpp}|${services.join(',')}`;
}

/** The kept list {answer, fetchedAt} from storage (localStorage or a stand-in), or null. */
export function readSlotCache(storage, key) {
  try {
    const kept = JSON.parse(storage?.getItem(key) ?? 'null');
    return kept && kept.answer && Number.isFinite(kept.fetchedAt) ? kept : null;
  } catch {
    return null;
  }
}

export function writeSlotCache(storage, key, answer, fetchedAt) {
  try {
    storage?.setItem(key, JSON.stringify({ answer, fetchedAt }));
  } catch {
    // storage full or blocked: the list is simply not kept
  }
}

/** A booked visit still ahead (or earlier today): it holds its applications. */
export function isOpenVisit(visit, now) {
  if (!visit || visit.status !== 'booked') return false;
  const arrives = Date.parse(visit.arrives_at);
  return Number.isFinite(arrives) && arrives + SHOWN_AFTER_ARRIVAL_MS > now;
}

/** The citizen's visits from the synced view: open ones by arrival, then the rest newest first. */
export function sortedVisits(visits, now) {
  const all = Object.values(visits || {});
  const open = all.filter((v) => isOpenVisit(v, now)).sort((a, b) => Date.parse(a.arrives_at) - Date.parse(b.arrives_at));
  const rest = all.filter((v) => !isOpenVisit(v, now)).sort((a, b) => Date.parse(b.arrives_at) - Date.parse(a.arrives_at));
  return { open, rest };
}

/**
 * The applications that may be booked now, grouped by MPP (one visit per MPP): the
 * application's state is one its service publishes as bookable (`visit_states`: ready, or
 * approved too where the citizen must be there before it is ready) and no open visit holds
 * it already. `services`: code -> service detail (those not loaded yet are left out).
 * -> [{mpp, mpp_name, items: [{app, service}]}], MPPs and items in a stable order.
 */
export function bookableByMpp(applications, services, visits, now) {
  const held = new Set();
  for (const visit of Object.values(visits || {})) {
    if (isOpenVisit(visit, now)) for (const stop of visit.stops || []) held.add(stop.application_id);
  }
  const groups = new Map();
  for (const app of Object.values(applications || {})) {
    const service = services?.[app.service_id];
    if (!service || !Array.isArray(service.visit_states)) continue;
    if (!service.visit_states.includes(app.state) || held.has(app.id) || app.pending?.mutations) continue;
    const mpp = service.mpp || (service.code || '').split('.')[0];
    if (!groups.has(mpp)) groups.set(mpp, { mpp, mpp_name: service.mpp_name || mpp, items: [] });
    groups.get(mpp).items.push({ app, service });
  }
  const out = [...groups.values()].sort((a, b) => a.mpp_name.localeCompare(b.mpp_name));
  for (const group of out) {
    group.items.sort((a, b) => String(a.app.reference || a.app.id).localeCompare(String(b.app.reference || b.app.id)));
  }
  return out;
}
