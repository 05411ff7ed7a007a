// The call display's feed as pure functions (tested under node --test): which calls are new
// since the last answer (each is announced once, in the order they were made), and whether
// what is on screen is stale.

/** The display says it is stale once no answer came for this long. */
export const STALE_AFTER_MS = 5000;

/** One call's identity: the same call seen in two answers is one call; a recall is another. */
export function callKey(call) {
  return `${call.number}|${call.at}|${call.call ?? 1}`;
}

/**
 * The calls of `calls` (newest first, as the API sends them) not in `seen` (a Set of
 * callKey), oldest first: the order to announce them in. The first answer a display gets
 * announces nothing (`seen` null): it only learns what was already called.
 */
export function newCalls(seen, calls) {
  if (!seen) return [];
  return (calls || []).filter((c) => !seen.has(callKey(c))).reverse();
}

export function seenKeys(calls) {
  return new Set((calls || []).map(callKey));
}

/** {stale, seconds}: how long since the last answer (epoch ms; null: never answered). */
export function feedState(lastOkAt, now) {
  if (lastOkAt == null) return { stale: true, seconds: null };
  const ms = Math.max(0, now - lastOkAt);
  return { stale: ms > STALE_AFTER_MS, seconds: Math.floor(ms / 1000) };
}

/** "08.31.05" of a time ("2026-12-07T08:31:05+07:00"), read from the text (the MPP's clock). */
export function wallClock(iso, withSeconds = false) {
  const match = /T(\d\d):(\d\d):(\d\d)/.exec(String(iso ?? ''));
  if (!match) return '';
  return withSeconds ? `${match[1]}.${match[2]}.${match[3]}` : `${match[1]}.${match[2]}`;
}
