// The citizen's session token, kept in IndexedDB (not localStorage) so that the service
// worker can read it too, e.g. to send drafts in the background. Key-value store:
// database "sekali-datang", object store "session", key "token".
//
// If IndexedDB is missing or refuses (some private modes), the token is kept in memory
// for this visit only: the citizen stays signed in until the page is closed.
import { openDB } from 'idb';

export const DB_NAME = 'sekali-datang';
export const DB_VERSION = 1;
export const STORE = 'session';
export const TOKEN_KEY = 'token';

let dbPromise = null;
let memory = null;

function db() {
  if (!dbPromise) {
    dbPromise = globalThis.indexedDB
      ? openDB(DB_NAME, DB_VERSION, {
          upgrade(database) {
            if (!database.objectStoreNames.contains(STORE)) database.createObjectStore(STORE);
          },
        }).catch(() => null)
      : Promise.resolve(null);
  }
  return dbPromise;
}

export async function getToken() {
  try {
    const database = await db();
    if (database) return (await database.get(STORE, TOKEN_KEY)) ?? memory;
  } catch {
    // fall through to the in-memory copy
  }
  return memory;
}

export async function setToken(token) {
  memory = token;
  try {
    const database = await db();
    if (database) await database.put(STORE, token, TOKEN_KEY);
  } catch {
    // kept in memory only
  }
}

export async function clearToken() {
  memory = null;
  try {
    const database = await db();
    if (database) await database.delete(STORE, TOKEN_KEY);
  } catch {
    // nothing stored to clear
  }
}
