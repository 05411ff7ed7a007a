// The officer's sign-in, kept in sessionStorage: officer devices are shared counter tablets
// and laptops, so a token must not outlive the tab (closing it signs the officer out; the
// next officer at that counter starts from the sign-in screen), and it is never shared with
// another tab a colleague opens. The citizen app keeps its own token elsewhere (IndexedDB).

export const OFFICER_TOKEN_KEY = 'sd.officer.token';

export function sessionStorageOrNull() {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null; // storage blocked: the officer stays signed in until a reload
  }
}

/** A token store over `storage` (sessionStorage or a stand-in), falling back to memory. */
export function tokenStore(storage) {
  let memory = null;
  return {
    get() {
      try {
        return storage?.getItem(OFFICER_TOKEN_KEY) || memory;
      } catch {
        return memory;
      }
    },
    set(token) {
      memory = token;
      try {
        storage?.setItem(OFFICER_TOKEN_KEY, token);
      } catch {
        // quota or disabled storage: memory holds it for this page
      }
    },
    clear() {
      memory = null;
      try {
        storage?.removeItem(OFFICER_TOKEN_KEY);
      } catch {
        // nothing stored
      }
    },
  };
}
