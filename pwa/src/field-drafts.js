// What the citizen typed into a form field and the sync engine does not hold yet: the text
// of the field being edited (it owns the field: no save, pull or other tab writes over it)
// and text the phone's rules refuse (kept, with its reason, until it is fixed; never sent).
// Written on every input, so a reload or a closed tab loses nothing. Kept in localStorage
// (through storage.js, which degrades to "not remembered"), one entry per application.
import { readItem, writeItem } from './storage.js';

export const DRAFTS_PREFIX = 'sd.drafts.';

/** {key: text} typed in the application's form and not yet taken by the engine. */
export function readDrafts(storage, applicationId) {
  try {
    const parsed = JSON.parse(readItem(storage, DRAFTS_PREFIX + applicationId) || '{}');
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

/** Store `drafts` ({key: text}) for the application; an empty map removes the entry. */
export function writeDrafts(storage, applicationId, drafts) {
  const key = DRAFTS_PREFIX + applicationId;
  if (Object.keys(drafts).length === 0) {
    try {
      storage?.removeItem(key);
    } catch {
      // storage disabled: nothing was kept either
    }
  } else writeItem(storage, key, JSON.stringify(drafts));
}
