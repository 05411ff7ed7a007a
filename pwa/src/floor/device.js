// The MPP floor's devices (the kiosk and the call display): no person signs in; the device
// sends the key the MPP's staff gave it (`flask queue kiosk-key` / `display-key`), entered
// once as /kiosk#key=... or /display#key=..., kept in this browser's localStorage and taken
// out of the address bar at once (so it is not left on screen or in a photo of it).

import { ApiError, NetworkError } from '../api.js';

export function storageKey(kind) {
  return `sd.${kind}.key`;
}

/** The key from `#key=...` (stored, and the hash cleared) or from storage; null if none. */
export function takeDeviceKey(kind, { location, storage, history }) {
  const match = /(?:^#|&)key=([^&]+)/.exec(location.hash || '');
  if (match) {
    const key = decodeURIComponent(match[1]).trim();
    try {
      storage?.setItem(storageKey(kind), key);
    } catch {
      // storage blocked: the key holds for this page only
    }
    history?.replaceState(null, '', location.pathname + location.search);
    return key || null;
  }
  try {
    return storage?.getItem(storageKey(kind)) || null;
  } catch {
    return null;
  }
}

/**
 * One call of the queue API with the device key. -> {status, body, etag}; a 304 gives
 * body null. Throws NetworkError (no answer within `timeoutMs`) or ApiError.
 */
export async function deviceRequest(path, { key, lang = 'id', method = 'GET', body, etag, timeoutMs = 8000, fetchImpl = globalThis.fetch } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const headers = { 'X-Device-Key': key || '', 'Accept-Language': lang, Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (etag) headers['If-None-Match'] = etag;
  let response;
  try {
    response = await fetchImpl(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch (err) {
    throw new NetworkError(err);
  } finally {
    clearTimeout(timer);
  }
  if (response.status === 304) return { status: 304, body: null, etag };
  let parsed = null;
  try {
    parsed = await response.json();
  } catch {
    if (response.ok) throw new NetworkError(new Error('unreadable answer'));
  }
  if (!response.ok) {
    const error = parsed?.error || {};
    throw new ApiError(response.status, error.code || 'http_error', error.message || null, error.details || null);
  }
  return { status: response.status, body: parsed, etag: response.headers.get('ETag') };
}
