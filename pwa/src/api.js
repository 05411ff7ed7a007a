// Talking to the JSON API. The fetch function is injected so the error handling is
// testable; the catalog views call `getJson(path, {signal})` and get the browser's fetch,
// the signed-in views go through `sessionApi` (bearer token, Accept-Language, 401 handling).
//
// Outcomes: the parsed body; NetworkError when the request or its body did not arrive
// (offline, connection dropped mid-body, no answer within `timeoutMs`, the service worker
// had nothing cached); ApiError for an HTTP error, carrying the server's
// {"error": {"code", "message", "details"}}. An abort by the caller rethrows the AbortError.

export const DEFAULT_TIMEOUT_MS = 30000;

export class NetworkError extends Error {
  constructor(cause) {
    super('network unavailable');
    this.name = 'NetworkError';
    this.cause = cause;
  }
}

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.serverMessage = message || null;
    this.details = details ?? null;
  }
}

/**
 * One request to the API. `method`, a JSON `body`, a bearer `token` and the UI `lang`
 * (sent as Accept-Language, so the server's error messages come in it) are optional.
 * `as: 'blob'` reads a successful body as a Blob (a download) and returns
 * {blob, filename}; otherwise the parsed JSON, or null for an empty answer (204).
 */
export async function request(
  path,
  {
    method = 'GET',
    body,
    token,
    lang,
    as = 'json',
    fetchImpl = globalThis.fetch,
    signal,
    timeoutMs = DEFAULT_TIMEOUT_MS,
  } = {},
) {
  // One controller for both the caller's abort and our timeout (AbortSignal.any is too new
  // for the phones we serve).
  const controller = new AbortController();
  let timedOut = false;
  const onAbort = () => controller.abort();
  if (signal) {
    if (signal.aborted) controller.abort();
    else signal.addEventListener('abort', onAbort, { once: true });
  }
  const timer = timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, timeoutMs)
    : null;

  const headers = { Accept: as === 'blob' ? '*/*' : 'application/json' };
  if (lang) headers['Accept-Language'] = lang;
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';

  let response;
  let text = '';
  let blob = null;
  try {
    response = await fetchImpl(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal: controller.signal,
    });
    if (as === 'blob' && response.ok) blob = await response.blob();
    else text = await response.text();
  } catch (err) {
    if (!timedOut && err && err.name === 'AbortError') throw err;
    throw new NetworkError(err);
  } finally {
    if (timer) clearTimeout(timer);
    if (signal) signal.removeEventListener('abort', onAbort);
  }

  if (blob) {
    return { blob, filename: filenameFromDisposition(response.headers?.get('Content-Disposition')) };
  }
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = undefined; // e.g. an HTML error page from a proxy
  }
  if (!response.ok) {
    const error = parsed && typeof parsed === 'object' ? parsed.error : null;
    throw new ApiError(
      response.status,
      (error && error.code) || 'http_error',
      error && typeof error.message === 'string' ? error.message : null,
      error && error.details,
    );
  }
  if (parsed === null && !text) return null; // 204 No Content
  if (!parsed || typeof parsed !== 'object') {
    throw new ApiError(response.status, 'bad_response', null, null);
  }
  return parsed;
}

/** A GET that must answer with a JSON object (the catalog views). */
export async function getJson(path, options = {}) {
  const body = await request(path, { ...options, method: 'GET', body: undefined, as: 'json' });
  if (body === null) throw new ApiError(204, 'bad_response', null, null);
  return body;
}

/** The file name in `Content-Disposition: attachment; filename="x.zip"`, else null. */
export function filenameFromDisposition(header) {
  const match = /filename="?([^";]+)"?/i.exec(String(header || ''));
  if (!match) return null;
  const name = match[1].trim().replace(/[\\/]/g, '_');
  return name && name !== '.' && name !== '..' ? name : null;
}

/**
 * A 401 means the session is gone (expired, revoked, unknown or missing token): the app
 * drops the token and asks for a sign-in again. Nothing else ends a session: a 403, a
 * network failure or a server error leaves the citizen signed in.
 */
export function endsSession(error) {
  return error instanceof ApiError && error.status === 401;
}

/**
 * Calls for the signed-in citizen. `getToken` / `getLang` are read at each call (so the
 * object can outlive a language switch); a 401 calls `onSessionEnded(error, token)` with
 * the token that failed, then rethrows.
 */
export function sessionApi({ getToken, getLang, onSessionEnded, fetchImpl = globalThis.fetch }) {
  const call = async (path, options = {}) => {
    const token = getToken();
    try {
      return await request(path, { fetchImpl, ...options, token, lang: getLang() });
    } catch (err) {
      if (endsSession(err)) onSessionEnded(err, token);
      throw err;
    }
  };
  return {
    request: call,
    getJson: (path, options = {}) => call(path, { ...options, method: 'GET' }),
  };
}
