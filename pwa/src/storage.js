// localStorage may be missing or throw (private mode, blocked site data): every access
// goes through here and degrades to "not remembered".

export const CHOSEN_MPP_KEY = 'sd.mpp';

export function getStorage() {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

export function readItem(storage, key) {
  try {
    return storage ? storage.getItem(key) : null;
  } catch {
    return null;
  }
}

export function writeItem(storage, key, value) {
  try {
    if (storage) storage.setItem(key, value);
  } catch {
    // quota or disabled storage: keep going without remembering
  }
}
