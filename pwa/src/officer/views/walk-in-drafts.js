// What an officer has typed or photographed for a walk-in and the server does not hold yet
// (#18): the counter tablet's tab may be reloaded or crash, or the connection drop, while
// the citizen sits there; nothing typed is lost.
//
// - Text: written to localStorage (through storage.js, which degrades to "not remembered")
//   on every input, one entry per officer and walk-in (`new` for the start screen), read
//   back when the screen opens and removed once the server has it (start, save, submit).
//   The start screen keeps what identifies the citizen but never the one-time code (a
//   credential, valid minutes; the citizen reads it out again). An entry older than
//   DRAFT_TTL_MS is dropped when read: a citizen's NIK and address do not stay on a shared
//   tablet after the day's work.
// - Photos: the compressed photo is put in IndexedDB (`photoStore`) before its upload
//   starts and removed once it is attached, so a photo taken while the connection was down
//   is sent when the screen opens again, without taking it again.
// The screen (walk-in.jsx) calls these; they hold no rule of the server's.
import { openDB } from 'idb';
import { readItem, writeItem } from '../../storage.js';

export const WALK_IN_DRAFT_PREFIX = 'sd.walkin.';
export const DRAFT_TTL_MS = 12 * 60 * 60 * 1000;
export const NEW_WALK_IN = 'new';
/** The start screen's fields a draft keeps (not `code`: see above). */
export const START_KEPT = ['service_id', 'nik', 'birth_date', 'sex', 'full_name', 'phone', 'no_phone', 'note'];

export function draftKey(officerId, walkInId) {
  return `${WALK_IN_DRAFT_PREFIX}${officerId}.${walkInId || NEW_WALK_IN}`;
}

/** {key: value} kept for the officer's walk-in, or {} (none, damaged, expired). */
export function readWalkInDraft(storage, officerId, walkInId, now = Date.now()) {
  const key = draftKey(officerId, walkInId);
  try {
    const parsed = JSON.parse(readItem(storage, key) || 'null');
    if (!parsed || typeof parsed !== 'object' || typeof parsed.values !== 'object' || !parsed.values || Array.isArray(parsed.values)) return {};
    if (!(now - parsed.at < DRAFT_TTL_MS)) {
      clearWalkInDraft(storage, officerId, walkInId);
      return {};
    }
    return parsed.values;
  } catch {
    return {};
  }
}

/** Keep `values` ({key: value}); an empty map removes the entry. */
export function writeWalkInDraft(storage, officerId, walkInId, values, now = Date.now()) {
  if (!values || Object.keys(values).length === 0) clearWalkInDraft(storage, officerId, walkInId);
  else writeItem(storage, draftKey(officerId, walkInId), JSON.stringify({ at: now, values }));
}

export function clearWalkInDraft(storage, officerId, walkInId) {
  try {
    storage?.removeItem(draftKey(officerId, walkInId));
  } catch {
    // storage disabled: nothing was kept either
  }
}

/** Remove every walk-in draft (any officer's) older than DRAFT_TTL_MS, or damaged. */
export function pruneWalkInDrafts(storage, now = Date.now()) {
  const keys = [];
  try {
    for (let i = 0; i < (storage?.length || 0); i += 1) {
      const key = storage.key(i);
      if (key && key.startsWith(WALK_IN_DRAFT_PREFIX)) keys.push(key);
    }
  } catch {
    return;
  }
  for (const key of keys) {
    let at = null;
    try {
      at = JSON.parse(readItem(storage, key))?.at;
    } catch {
      at = null;
    }
    if (typeof at !== 'number' || !(now - at < DRAFT_TTL_MS)) {
      try {
        storage.removeItem(key);
      } catch {
        // nothing to do
      }
    }
  }
}

/** What of the start form is worth keeping: the kept fields that hold something. A form
 * holding no more than the service (chosen by default) keeps nothing. */
export function startDraft(form) {
  const out = {};
  for (const key of START_KEPT) {
    const value = form[key];
    if (value !== '' && value !== false && value !== null && value !== undefined) out[key] = value;
  }
  return Object.keys(out).some((k) => k !== 'service_id') ? out : {};
}

/** The start form as it was: `empty` with the draft over it; a service named by the route
 * (a walk-in ticket's) wins over the draft's. */
export function restoreStart(empty, draft, preset) {
  const out = { ...empty };
  for (const key of START_KEPT) if (key in draft) out[key] = draft[key];
  if (preset) out.service_id = preset;
  return out;
}

/** The form's values that differ from what the server holds ({key: value}). */
export function unsavedValues(values, server) {
  const out = {};
  for (const [key, value] of Object.entries(values)) {
    const held = server[key] ?? '';
    if ((value ?? '') !== held && String(value ?? '') !== String(held)) out[key] = value;
  }
  return out;
}

// ---------------------------------------------------------------------------- photos

const PHOTO_DB = 'sekali-datang-walk-in';
const PHOTO_STORE = 'photos';

/** The photos kept until attached, in IndexedDB: {key, officerId, walkInId, requirement,
 * documentId, blob, sha256, at}. Every method degrades to "not kept" without IndexedDB. */
export function idbPhotoStore({ name = PHOTO_DB, indexedDB = globalThis.indexedDB } = {}) {
  let db = null;
  const open = () => {
    if (!indexedDB) return Promise.resolve(null);
    // Version 2, creating the store only if missing: a version 1 without it (opened by
    // something else first, e.g. a devtools look) would otherwise never get one.
    db ??= openDB(name, 2, {
      upgrade(d) {
        if (!d.objectStoreNames.contains(PHOTO_STORE)) d.createObjectStore(PHOTO_STORE, { keyPath: 'key' });
      },
    }).catch(() => null);
    return db;
  };
  const run = async (work, fallback) => {
    try {
      const handle = await open();
      return handle ? await work(handle) : fallback;
    } catch {
      return fallback;
    }
  };
  return {
    put: (photo) => run((d) => d.put(PHOTO_STORE, photo).then(() => true), false),
    remove: (key) => run((d) => d.delete(PHOTO_STORE, key), undefined),
    all: () => run((d) => d.getAll(PHOTO_STORE), []),
  };
}

export function photoKey(officerId, walkInId, requirement) {
  return `${officerId}.${walkInId}.${requirement}`;
}

/** Keep a compressed photo for a requirement until it is attached (a retake replaces it). */
export function keepPhoto(store, { officerId, walkInId, requirement, documentId, blob, sha256 }, now = Date.now()) {
  return store.put({ key: photoKey(officerId, walkInId, requirement), officerId, walkInId, requirement, documentId, blob, sha256, at: now });
}

/** The officer's photos for the walk-in still waiting to be attached, by requirement; the
 * ones past DRAFT_TTL_MS are removed. */
export async function waitingPhotos(store, officerId, walkInId, now = Date.now()) {
  const out = {};
  for (const photo of await store.all()) {
    if (!(now - photo.at < DRAFT_TTL_MS)) await store.remove(photo.key);
    else if (photo.officerId === officerId && photo.walkInId === walkInId) out[photo.requirement] = photo;
  }
  return out;
}

export function forgetPhoto(store, officerId, walkInId, requirement) {
  return store.remove(photoKey(officerId, walkInId, requirement));
}

/** Once submitted: every photo kept for the walk-in goes. */
export async function forgetWalkInPhotos(store, officerId, walkInId) {
  for (const photo of await store.all()) if (photo.officerId === officerId && photo.walkInId === walkInId) await store.remove(photo.key);
}

/** A deliberate sign-out: everything the officer kept for walk-ins goes from the tablet
 * (text and photos), so the next person at a shared tablet finds no citizen's NIK, address
 * or documents. A crash or reload is not a sign-out: then the drafts stay for their return. */
export async function forgetOfficerWalkIns(storage, store, officerId) {
  const prefix = `${WALK_IN_DRAFT_PREFIX}${officerId}.`;
  const keys = [];
  try {
    for (let i = 0; i < (storage?.length || 0); i += 1) {
      const key = storage.key(i);
      if (key && key.startsWith(prefix)) keys.push(key);
    }
    for (const key of keys) storage.removeItem(key);
  } catch {
    // storage disabled: nothing was kept either
  }
  for (const photo of await store.all()) if (photo.officerId === officerId) await store.remove(photo.key);
}
